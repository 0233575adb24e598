import Foundation

/// Chooses how much of the adapted meta-predictor to keep against the ridge baseline (issue #13, "never worse
/// than the obvious baseline"): final ln ms = w · ln(meta) + (1 − w) · ln(ridge), w from a small fixed grid,
/// chosen by leave-one-out over the device's own support measurements only (mean squared ln error of the
/// left-out point's prediction from a model refitted / re-adapted without it). Ties go to the larger w.
public enum BlendSelector {
  /// Meta weights tried (fixed a priori, not tuned on any reported device).
  public static let grid: [Double] = [0, 0.25, 0.5, 0.75, 1]

  /// The result: the weight and each grid weight's LOO mean squared ln error.
  public struct Choice: Sendable, Equatable {
    public let metaWeight: Double
    public let looError: [Double]
    /// Which ridge candidate (`chooseAmong`) the blend uses; 0 for `choose`.
    public var ridge: Int = 0
    /// "meta", "ridge" or "blend".
    public var method: String { metaWeight == 1 ? "meta" : (metaWeight == 0 ? "ridge" : "blend") }
  }

  /// Picks w from LOO ln predictions of both models and the true ln latencies (same order). Non-finite LOO
  /// predictions count as an infinite error for every weight that uses that model.
  public static func choose(metaLn: [Double], ridgeLn: [Double], truthLn: [Double], grid: [Double] = grid) -> Choice {
    let errs = grid.map { w -> Double in
      var s = 0.0
      for i in truthLn.indices {
        let m = w > 0 ? metaLn[i] : 0, r = w < 1 ? ridgeLn[i] : 0
        let p = w * m + (1 - w) * r
        guard p.isFinite else { return .infinity }
        s += (p - truthLn[i]) * (p - truthLn[i])
      }
      return truthLn.isEmpty ? 0 : s / Double(truthLn.count)
    }
    var best = grid.count - 1
    for k in grid.indices where errs[k] < errs[best] || (errs[k] == errs[best] && grid[k] > grid[best]) { best = k }
    return Choice(metaWeight: grid[best], looError: errs)
  }

  /// Picks the ridge candidate and w together: each candidate's best w on the grid (LOO ln predictions
  /// `ridgeLn[k]`), then a later candidate replaces the first only by the one-standard-error rule: its mean LOO
  /// squared error must be lower by more than the standard error of the per-point differences (a richer ridge
  /// that wins by noise on 20 points is not taken). `looError` is the chosen candidate's.
  public static func chooseAmong(metaLn: [Double], ridgeLn: [[Double]], truthLn: [Double], grid: [Double] = grid) -> Choice {
    guard let first = ridgeLn.first else { return Choice(metaWeight: 1, looError: grid.map { _ in .infinity }) }
    func pointErrors(_ r: [Double], _ w: Double) -> [Double] {
      truthLn.indices.map { i in
        let p = w * (w > 0 ? metaLn[i] : 0) + (1 - w) * (w < 1 ? r[i] : 0)
        return p.isFinite ? (p - truthLn[i]) * (p - truthLn[i]) : .infinity
      }
    }
    var best = choose(metaLn: metaLn, ridgeLn: first, truthLn: truthLn, grid: grid)
    let base = pointErrors(first, best.metaWeight)
    for k in ridgeLn.indices.dropFirst() {
      var c = choose(metaLn: metaLn, ridgeLn: ridgeLn[k], truthLn: truthLn, grid: grid)
      c.ridge = k
      let d = zip(base, pointErrors(ridgeLn[k], c.metaWeight)).map { $0 - $1 }
      guard d.count >= 2, d.allSatisfy(\.isFinite) else { continue }
      let mean = d.reduce(0, +) / Double(d.count)
      let sd = (d.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d.count - 1)).squareRoot()
      if mean > sd / Double(d.count).squareRoot() { best = c }
    }
    return best
  }

  /// ln ms of the blend.
  public static func blend(metaLn: [Double], ridgeLn: [Double], metaWeight w: Double) -> [Double] {
    if w == 1 { return metaLn }
    if w == 0 { return ridgeLn }
    return zip(metaLn, ridgeLn).map { w * $0 + (1 - w) * $1 }
  }
}
