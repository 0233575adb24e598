/// Robust statistics of a set of timing samples. Never a lone mean: median, spread and tails.
public struct SampleStats: Codable, Sendable, Equatable {
  public let count: Int
  public let min: Double
  public let max: Double
  public let mean: Double
  public let median: Double
  public let p10: Double
  public let p25: Double
  public let p75: Double
  public let p90: Double
  /// Interquartile range p75 − p25.
  public let iqr: Double
  /// Median absolute deviation from the median (unscaled).
  public let mad: Double

  /// IQR relative to the median (0 when the median is 0).
  public var relativeIQR: Double { median > 0 ? iqr / median : 0 }

  /// Statistics of `samples`; nil when there are none or any is not finite.
  public init?(_ samples: [Double]) {
    guard !samples.isEmpty, samples.allSatisfy(\.isFinite) else { return nil }
    let s = samples.sorted()
    count = s.count
    min = s[0]
    max = s[s.count - 1]
    mean = s.reduce(0, +) / Double(s.count)
    median = SampleStats.quantile(sorted: s, 0.5)
    p10 = SampleStats.quantile(sorted: s, 0.10)
    p25 = SampleStats.quantile(sorted: s, 0.25)
    p75 = SampleStats.quantile(sorted: s, 0.75)
    p90 = SampleStats.quantile(sorted: s, 0.90)
    iqr = p75 - p25
    let med = median
    let dev = s.map { abs($0 - med) }.sorted()
    mad = SampleStats.quantile(sorted: dev, 0.5)
  }

  /// Linear-interpolated quantile (numpy's default, "linear") of an ascending array; q in [0, 1].
  public static func quantile(sorted s: [Double], _ q: Double) -> Double {
    precondition(!s.isEmpty, "quantile of an empty array")
    let pos = q * Double(s.count - 1)
    let lo = Int(pos.rounded(.down))
    let hi = Swift.min(lo + 1, s.count - 1)
    let frac = pos - Double(lo)
    return s[lo] + (s[hi] - s[lo]) * frac
  }
}
