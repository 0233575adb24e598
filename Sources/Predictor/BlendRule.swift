import Foundation

/// Rules that turn the leave-one-out predictions over a device's support into the final blend of the adapted
/// meta-predictor, the plain source ridge and the ridge with the cell's op counts. `loo` is the product's rule
/// (`BlendSelector.chooseAmong`); the others are the alternatives compared on validation folds
/// (`helpprof evaluate --compare-blend-rules`, scored as methods `final:<rule>`).
public enum BlendRule: String, CaseIterable, Sendable {
  /// The product's rule: w on `BlendSelector.grid` by LOO, the op-count ridge only by the one-standard-error rule.
  case loo
  /// w on the grid by LOO with the plain ridge only.
  case looPlain = "loo-plain"
  /// Fixed geometric mean of the meta-predictor and the plain ridge.
  case half
  /// Fixed geometric mean of all three.
  case thirds
  /// Three-way weights on the simplex in steps of 0.25 by LOO (ties: more meta, then less op-count ridge).
  case simplex
  /// The meta-predictor alone unless `loo`'s pick beats it by more than one standard error.
  case looMetaFirst = "loo-meta-first"
  /// w on the grid (plain ridge) by the Spearman ρ of the LOO predictions against the truth (ties: larger w).
  /// Added after the first validation fold: there the meta-predictor ranked pixel3 badly while its LOO squared
  /// error looked fine.
  case looRank = "loo-rank"

  /// The blend `(metaWeight, archShare)`: final ln = w·meta + (1 − w)·((1 − a)·plain + a·arch).
  public struct Weights: Sendable, Equatable {
    public var metaWeight: Double
    public var archShare: Double
    public init(metaWeight: Double, archShare: Double) {
      self.metaWeight = metaWeight
      self.archShare = archShare
    }

    /// ln ms of this blend (w = 1 keeps the meta-predictor's values, even non-finite ones, for the clamp).
    public func blend(metaLn: [Double], plainLn: [Double], archLn: [Double]) -> [Double] {
      metaLn.indices.map { Self.mix(metaWeight, archShare, metaLn[$0], plainLn[$0], archLn[$0]) }
    }

    static func mix(_ w: Double, _ a: Double, _ m: Double, _ p: Double, _ r: Double) -> Double {
      let ridge = a == 0 ? p : (a == 1 ? r : (1 - a) * p + a * r)
      return w == 1 ? m : (w == 0 ? ridge : w * m + (1 - w) * ridge)
    }
  }

  /// This rule's weights from LOO ln predictions (`plainLn`, `archLn`: the two ridges) and the true ln latencies.
  public func choose(metaLn: [Double], plainLn: [Double], archLn: [Double], truthLn: [Double]) -> Weights {
    switch self {
    case .loo:
      let c = BlendSelector.chooseAmong(metaLn: metaLn, ridgeLn: [plainLn, archLn], truthLn: truthLn)
      return Weights(metaWeight: c.metaWeight, archShare: c.ridge == 1 ? 1 : 0)
    case .looPlain:
      return Weights(metaWeight: BlendSelector.choose(metaLn: metaLn, ridgeLn: plainLn, truthLn: truthLn).metaWeight,
                     archShare: 0)
    case .half: return Weights(metaWeight: 0.5, archShare: 0)
    case .thirds: return Weights(metaWeight: 1.0 / 3, archShare: 0.5)
    case .simplex:
      var best = Weights(metaWeight: 1, archShare: 0)
      var bestErr = Double.infinity
      for i in (0...4).reversed() {
        for j in 0...(4 - i) {
          let w = Double(i) / 4, wa = Double(j) / 4
          let c = Weights(metaWeight: w, archShare: w < 1 ? wa / (1 - w) : 0)
          let e = Self.meanError(c, metaLn, plainLn, archLn, truthLn)
          if e < bestErr { best = c; bestErr = e }
        }
      }
      return best
    case .looRank:
      var best = 1.0, bestRho = -Double.infinity
      for w in BlendSelector.grid.reversed() {
        let p = Weights(metaWeight: w, archShare: 0).blend(metaLn: metaLn, plainLn: plainLn, archLn: plainLn)
        guard p.allSatisfy(\.isFinite) else { continue }
        let rho = RankMetrics.spearman(p, truthLn)
        if rho > bestRho + 1e-12 { best = w; bestRho = rho }
      }
      return Weights(metaWeight: best, archShare: 0)
    case .looMetaFirst:
      let pick = BlendRule.loo.choose(metaLn: metaLn, plainLn: plainLn, archLn: archLn, truthLn: truthLn)
      let meta = Weights(metaWeight: 1, archShare: 0)
      let d = zip(Self.pointErrors(meta, metaLn, plainLn, archLn, truthLn),
                  Self.pointErrors(pick, metaLn, plainLn, archLn, truthLn)).map { $0 - $1 }
      guard d.count >= 2, d.allSatisfy(\.isFinite) else { return pick }
      let mean = d.reduce(0, +) / Double(d.count)
      let sd = (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d.count - 1)).squareRoot()
      return mean > sd / Double(d.count).squareRoot() ? pick : meta
    }
  }

  static func pointErrors(_ c: Weights, _ m: [Double], _ p: [Double], _ r: [Double], _ t: [Double]) -> [Double] {
    t.indices.map { i in
      let v = Weights.mix(c.metaWeight, c.archShare, m[i], p[i], r[i])
      return v.isFinite ? (v - t[i]) * (v - t[i]) : .infinity
    }
  }

  static func meanError(_ c: Weights, _ m: [Double], _ p: [Double], _ r: [Double], _ t: [Double]) -> Double {
    let e = pointErrors(c, m, p, r, t)
    return e.isEmpty ? 0 : e.reduce(0, +) / Double(e.count)
  }
}
