import Foundation

/// How much a set of measurements can be trusted: the spread of the references' confidence intervals and the
/// share of slow rounds, with a verdict. `embed` and `adapt` print it, the device profile and the predictor file
/// (metadata `measurement_quality`) record it.
///
/// `relativeCI` of one arch is the relative half-width of the 95 % CI of its estimate (the profiler's `ci_rel`).
/// The measurement is *disturbed* (not to be trusted) when the median relative CI is above `maxMedianCI`
/// (2 %) or the largest above `maxWorstCI` (5 %). The slow-round share is reported but is no reason on its own:
/// slow rounds are what the canary ratio cancels, and with the machine's recorded baseline (the fastest canary
/// level ever seen) a shared VM that flips between a fast and a slow phase from run to run counts ~90 % of its
/// rounds as slow even when idle; what is left of them shows in the CIs.
public struct MeasurementQuality: Codable, Sendable, Equatable {
  public static let maxMedianCI = 0.02
  public static let maxWorstCI = 0.05

  /// Archs the figure is over (the references).
  public var archs: Int
  public var medianRelativeCI: Double
  public var maxRelativeCI: Double
  /// Index (or arch string) of the arch with the largest CI.
  public var worstArch: String
  /// Share of the archs' rounds whose canary level marked a slow episode (0 without a canary).
  public var slowRoundShare: Double
  public var disturbed: Bool
  /// Why it is disturbed (empty when not).
  public var reasons: [String]

  /// The quality of archs with these relative CIs and slow/total rounds; nil for an empty list or a CI that is
  /// not a finite non-negative number.
  public init?(relativeCIs: [Double], names: [String], slowRounds: Int, rounds: Int) {
    guard !relativeCIs.isEmpty, relativeCIs.count == names.count,
          relativeCIs.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return nil }
    let sorted = relativeCIs.sorted()
    let n = sorted.count
    archs = n
    medianRelativeCI = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    maxRelativeCI = sorted[n - 1]
    worstArch = relativeCIs.firstIndex(of: maxRelativeCI).map { names[$0] } ?? ""
    slowRoundShare = rounds > 0 ? Double(slowRounds) / Double(rounds) : 0
    var why: [String] = []
    if medianRelativeCI > MeasurementQuality.maxMedianCI {
      why.append(String(format: "median CI ±%.1f %% > ±%.0f %%", 100 * medianRelativeCI, 100 * MeasurementQuality.maxMedianCI))
    }
    if maxRelativeCI > MeasurementQuality.maxWorstCI {
      why.append(String(format: "worst CI ±%.1f %% (%@) > ±%.0f %%", 100 * maxRelativeCI, worstArch,
                        100 * MeasurementQuality.maxWorstCI))
    }
    reasons = why
    disturbed = !why.isEmpty
  }

  /// The quality of a profile's measured references (those with a recorded CI); nil when none has one.
  public init?(references: [ReferenceMeasurement]) {
    let measured = references.compactMap { r in r.measurement.flatMap { m in m.ciRelative.map { (r, m, $0) } } }
    self.init(relativeCIs: measured.map(\.2), names: measured.map { String($0.0.arch.index) },
              slowRounds: measured.reduce(0) { $0 + ($1.1.slowRounds ?? 0) },
              rounds: measured.reduce(0) { $0 + ($1.1.rounds ?? 0) })
  }

  /// One line: "measurement quality: references' 95 % CI median ±0.6 %, worst ±1.8 % (1462); 3 % slow rounds".
  public var summaryLine: String {
    String(format: "measurement quality: references' 95 %% CI median ±%.1f %%, worst ±%.1f %% (%@); %.0f %% slow rounds",
           100 * medianRelativeCI, 100 * maxRelativeCI, worstArch, 100 * slowRoundShare)
  }

  /// The warning printed when disturbed, nil otherwise.
  public var warningLine: String? {
    disturbed ? "warning: the machine was too disturbed to trust these measurements (" + reasons.joined(separator: "; ")
      + "); measure again on a quieter machine" : nil
  }

  /// Compact JSON (the predictor file's `measurement_quality` metadata value).
  public func json() throws -> String {
    let enc = JSONEncoder()
    enc.outputFormatting = [.sortedKeys]
    enc.keyEncodingStrategy = .convertToSnakeCase
    return String(decoding: try enc.encode(self), as: UTF8.self)
  }
}
