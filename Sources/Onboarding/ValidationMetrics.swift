#if canImport(Predictor)
import Predictor
#endif

/// How well predictions match measurements: rank agreement (Predictor's `RankMetrics`, the one implementation)
/// and relative error.
public struct ValidationMetrics: Codable, Sendable, Equatable {
  public var count: Int
  /// Spearman rank correlation (ties get average ranks).
  public var spearman: Double
  /// Pearson correlation of the raw values.
  public var pearson: Double
  /// Kendall tau-b.
  public var kendall: Double
  /// Mean absolute percentage error, in percent: mean(|p − m| / m) · 100.
  public var mapePercent: Double
  /// Share of predictions within ±10 % of the measurement, in percent.
  public var within10Percent: Double
  /// Share within ±5 %, in percent.
  public var within5Percent: Double
  /// Largest |p − m| / m, in percent.
  public var maxErrorPercent: Double

  /// Metrics of `predicted` against `measured` (same length ≥ 2, measured > 0).
  public init(predicted: [Double], measured: [Double]) throws {
    guard predicted.count == measured.count, predicted.count >= 2 else {
      throw OnboardingError.invalidArgument(
        "validation needs at least 2 paired values, got \(predicted.count) predicted and \(measured.count) measured")
    }
    guard measured.allSatisfy({ $0 > 0 && $0.isFinite }), predicted.allSatisfy(\.isFinite) else {
      throw OnboardingError.invalidArgument("validation values must be finite and measurements positive")
    }
    count = measured.count
    spearman = RankMetrics.spearman(predicted, measured)
    pearson = RankMetrics.pearson(predicted, measured)
    kendall = RankMetrics.kendall(predicted, measured)
    let rel = zip(predicted, measured).map { abs($0 - $1) / $1 }
    mapePercent = rel.reduce(0, +) / Double(rel.count) * 100
    within10Percent = Double(rel.filter { $0 <= 0.10 }.count) / Double(rel.count) * 100
    within5Percent = Double(rel.filter { $0 <= 0.05 }.count) / Double(rel.count) * 100
    maxErrorPercent = (rel.max() ?? 0) * 100
  }
}
