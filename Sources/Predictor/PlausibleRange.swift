import Foundation

/// The range a prediction may take (issue #13, "never absurd"): the support's ln-latency range stretched below
/// and above by a fixed factor and by how far the space's MACs reach beyond the support's MACs. Latency grows
/// sub-linearly with MACs on every public device, so a network 4× the support's largest MACs is predicted at
/// most 4 × `factor` × the largest support latency. Predictions outside are clamped and counted; NaN goes to the
/// centre (ln) of the range and is counted too.
public struct PlausibleRange: Sendable, Equatable {
  public let lnLo: Double, lnHi: Double
  /// Fixed a priori (not tuned on any figure): twice the measured extremes before the MACs stretch.
  public static let factor = 2.0

  public init(lnLo: Double, lnHi: Double) {
    self.lnLo = lnLo
    self.lnHi = lnHi
  }

  /// From the support's latencies (ms) and MACs and the space's MACs extremes.
  public init(supportMs: [Double], supportMACs: [Double], spaceMACs: (min: Double, max: Double),
              factor: Double = PlausibleRange.factor) throws {
    let l = supportMs.filter { $0 > 0 && $0.isFinite }.map { Foundation.log($0) }
    guard let lo = l.min(), let hi = l.max() else {
      throw PredictorError("plausible range: no positive finite support latency among \(supportMs.count)")
    }
    let m = supportMACs.filter { $0 > 0 && $0.isFinite }
    let down = (m.min()).map { spaceMACs.min > 0 ? max(0, Foundation.log($0 / spaceMACs.min)) : 0 } ?? 0
    let up = (m.max()).map { spaceMACs.max > 0 ? max(0, Foundation.log(spaceMACs.max / $0)) : 0 } ?? 0
    let f = Foundation.log(max(factor, 1))
    self.init(lnLo: lo - f - down, lnHi: hi + f + up)
  }

  /// Clamps ln-latencies; returns ms and the number of clamped (or NaN) values. Never NaN/inf out.
  public func clampLn(_ ln: [Double]) -> (ms: [Double], clamped: Int) {
    var n = 0
    let mid = (lnLo + lnHi) / 2
    let ms = ln.map { v -> Double in
      if v.isNaN { n += 1; return Foundation.exp(mid) }
      if v < lnLo { n += 1; return Foundation.exp(lnLo) }
      if v > lnHi { n += 1; return Foundation.exp(lnHi) }
      return Foundation.exp(v)
    }
    return (ms, n)
  }

  /// Clamps latencies in ms (non-positive counts as below the range).
  public func clampMs(_ ms: [Double]) -> (ms: [Double], clamped: Int) {
    clampLn(ms.map { $0.isNaN ? .nan : ($0 > 0 ? Foundation.log($0) : -.infinity) })
  }
}
