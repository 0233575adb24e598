import Onboarding

/// `ValidationMetrics` as the `--json` outputs of `report` and `adapt` show it: shares as fractions (0…1), like
/// every other helpprof JSON (`evaluate`'s within10, `run`'s share); errors keep their unit in the key name.
struct ValidationJSON: Encodable {
  var count: Int
  var spearman: Double
  var pearson: Double
  var kendall: Double
  /// Share of predictions within ±10 % of the measurement, 0…1.
  var within10: Double
  /// Share within ±5 %, 0…1.
  var within5: Double
  /// Mean absolute percentage error, in percent.
  var mapePercent: Double
  /// Largest relative error, in percent.
  var maxErrorPercent: Double

  init(_ m: ValidationMetrics) {
    count = m.count
    spearman = m.spearman
    pearson = m.pearson
    kendall = m.kendall
    within10 = m.within10Percent / 100
    within5 = m.within5Percent / 100
    mapePercent = m.mapePercent
    maxErrorPercent = m.maxErrorPercent
  }
}
