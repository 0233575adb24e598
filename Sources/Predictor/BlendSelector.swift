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

  /// ln ms of the blend.
  public static func blend(metaLn: [Double], ridgeLn: [Double], metaWeight w: Double) -> [Double] {
    if w == 1 { return metaLn }
    if w == 0 { return ridgeLn }
    return zip(metaLn, ridgeLn).map { w * $0 + (1 - w) * $1 }
  }
}
