import Foundation
import SearchSpace

/// Ridge regression (λ = 1) of a device's ln-latency on source devices' ln-latencies (one feature per source
/// device), the "obvious baseline" of few-shot latency prediction. Features are centred on the fitted archs.
/// With `archFeatures` (NB201) the arch's own op counts are appended (`nb201ArchFeatures`): a second ridge that
/// the final predictor may pick by leave-one-out; the reported baseline is the plain one.
public struct SourceRidge: Sendable {
  /// ln-latency of each source, arch-major: `features[arch][source]`; NaN where a source did not measure it.
  public let features: [[Double]]
  public let lambda: Double

  /// `columns[s][arch]`: latency (ms) of source s; sources missing any arch of `needed` are dropped. With no
  /// source left the model predicts the fitted archs' mean (`archCount` archs, default the columns' length).
  /// `extra[arch]`: features appended as they are (not logged), e.g. `nb201ArchFeatures`.
  public init(columns: [[Double]], needed: [Int], lambda: Double = 1, archCount: Int? = nil, extra: [[Double]]? = nil) {
    let keep = columns.filter { c in needed.allSatisfy { $0 < c.count && c[$0] > 0 && c[$0].isFinite } }
    let n = archCount ?? columns.first?.count ?? 0
    features = (0..<n).map { a in
      keep.map { $0[a] > 0 && $0[a].isFinite ? Foundation.log($0[a]) : .nan } + (extra.map { a < $0.count ? $0[a] : [] } ?? [])
    }
    self.lambda = lambda
  }

  /// Sources of `data` (names), each column as ms; pool sources NaN where unmeasured. `archFeatures` appends
  /// `nb201ArchFeatures` of the dataset's archs (NB201 only; ignored for OFA).
  public init(data: LatencyDataset, sources: [String], needed: [Int], lambda: Double = 1,
              archFeatures: Bool = false) throws {
    let nd = data.devices.count
    let cols = try sources.map { try data.column($0) }.map { c in
      (0..<data.archCount).map { Double(data.latency[$0 * nd + c]) }
    }
    let extra: [[Double]]? = archFeatures && data.space == .nb201
      ? data.archs.map { a in if case .nb201(let c) = a { return SourceRidge.nb201ArchFeatures(c) } else { return [] } }
      : nil
    self.init(columns: cols, needed: needed, lambda: lambda, archCount: data.archCount, extra: extra)
  }

  /// An NB201 cell's own features: how many of its 6 edges hold skip, 1×1 conv, 3×3 conv and pooling, and how
  /// many of each are live (reach the output: what a dead-op-pruning runtime runs). Chosen before looking at
  /// any meta-test device: on HELP's meta-train devices, each predicted from the others (20 measurements, 3
  /// draws), picking per device between ridge with and without them by LOO gave mean ρ 0.969 vs 0.965, worst
  /// unchanged (`python3 tools/validate_ridge_arch.py`).
  public static func nb201ArchFeatures(_ c: NB201Cell) -> [Double] {
    let ops: [NB201Op] = [.skipConnect, .conv1x1, .conv3x3, .avgPool3x3]
    return ops.map { Double(c.count(of: $0)) } + ops.map { Double(c.liveCount(of: $0)) }
  }

  /// The same features with another λ.
  public func withLambda(_ l: Double) -> SourceRidge { SourceRidge(features: features, lambda: l) }

  private init(features: [[Double]], lambda: Double) {
    self.features = features
    self.lambda = lambda
  }

  /// λ of `grid` with the least leave-one-out mean squared ln error over `fit` (ties: the larger λ), that ridge and
  /// its LOO ln predictions (the candidate `final:loo-lambda` of `evaluate --compare-blend-rules`).
  public func lambdaByLOO(_ fit: [Int], ms: [Double], grid: [Double]) -> (ridge: SourceRidge, loo: [Double]) {
    let truth = ms.map { Foundation.log(max($0, 1e-9)) }
    var best: (ridge: SourceRidge, loo: [Double], err: Double)?
    for l in grid.sorted(by: >) {
      let r = withLambda(l)
      let loo = r.leaveOneOut(fit, ms: ms)
      let e = zip(loo, truth).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(max(1, truth.count))
      if let b = best, e >= b.err { continue }
      best = (r, loo, e)
    }
    return best.map { ($0.ridge, $0.loo) } ?? (self, leaveOneOut(fit, ms: ms))
  }

  /// Number of source features.
  public var sourceCount: Int { features.first?.count ?? 0 }

  /// A fitted model: ln ms = my + Σ w_j (f_j − mx_j).
  public struct Fit: Sendable {
    public let mx: [Double], w: [Double], my: Double
  }

  /// Fits on archs `fit` with latencies `ms` (> 0).
  public func fit(_ fit: [Int], ms: [Double]) -> Fit {
    let X = fit.map { features[$0] }
    let y = ms.map { Foundation.log(max($0, 1e-9)) }
    let k = sourceCount
    let my = y.isEmpty ? 0 : y.reduce(0, +) / Double(y.count)
    guard k > 0, !X.isEmpty else { return Fit(mx: [], w: [], my: my) }
    let mx = (0..<k).map { j in X.map { $0[j] }.reduce(0, +) / Double(X.count) }
    var A = [[Double]](repeating: [Double](repeating: 0, count: k + 1), count: k)
    for j in 0..<k {
      for l in j..<k {
        var s = 0.0
        for x in X { s += (x[j] - mx[j]) * (x[l] - mx[l]) }
        A[j][l] = s
        A[l][j] = s
      }
      A[j][j] += lambda
      var t = 0.0
      for (x, v) in zip(X, y) { t += (x[j] - mx[j]) * (v - my) }
      A[j][k] = t
    }
    return Fit(mx: mx, w: Evaluator.solve(A), my: my)
  }

  /// Predicted ln ms of `arch` (the fit's mean where a feature is missing).
  public func predictLn(_ f: Fit, arch: Int) -> Double {
    var s = f.my
    for j in 0..<f.w.count {
      let v = features[arch][j]
      if v.isFinite { s += f.w[j] * (v - f.mx[j]) }
    }
    return s
  }

  /// Predicted ln ms of every arch.
  public func predictLnAll(_ f: Fit) -> [Double] { (0..<features.count).map { predictLn(f, arch: $0) } }

  /// Leave-one-out predictions (ln ms) over the fitted archs.
  public func leaveOneOut(_ fit: [Int], ms: [Double]) -> [Double] {
    fit.indices.map { i in
      var f = fit, m = ms
      f.remove(at: i)
      m.remove(at: i)
      return predictLn(self.fit(f, ms: m), arch: fit[i])
    }
  }
}
