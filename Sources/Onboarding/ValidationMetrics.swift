/// How well predictions match measurements: rank agreement and relative error.
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
    spearman = ValidationMetrics.pearson(ValidationMetrics.ranks(predicted), ValidationMetrics.ranks(measured))
    pearson = ValidationMetrics.pearson(predicted, measured)
    kendall = ValidationMetrics.kendallTauB(predicted, measured)
    let rel = zip(predicted, measured).map { abs($0 - $1) / $1 }
    mapePercent = rel.reduce(0, +) / Double(rel.count) * 100
    within10Percent = Double(rel.filter { $0 <= 0.10 }.count) / Double(rel.count) * 100
    within5Percent = Double(rel.filter { $0 <= 0.05 }.count) / Double(rel.count) * 100
    maxErrorPercent = (rel.max() ?? 0) * 100
  }

  /// 1-based ranks, ties averaged.
  public static func ranks(_ x: [Double]) -> [Double] {
    let order = x.indices.sorted { x[$0] < x[$1] }
    var r = [Double](repeating: 0, count: x.count)
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count, x[order[j + 1]] == x[order[i]] { j += 1 }
      let avg = Double(i + j) / 2 + 1
      for k in i...j { r[order[k]] = avg }
      i = j + 1
    }
    return r
  }

  /// Pearson correlation; 0 when either side is constant.
  public static func pearson(_ a: [Double], _ b: [Double]) -> Double {
    let n = Double(a.count)
    let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
    var sab = 0.0, saa = 0.0, sbb = 0.0
    for (x, y) in zip(a, b) {
      sab += (x - ma) * (y - mb)
      saa += (x - ma) * (x - ma)
      sbb += (y - mb) * (y - mb)
    }
    guard saa > 0, sbb > 0 else { return 0 }
    return sab / (saa * sbb).squareRoot()
  }

  /// Kendall tau-b (O(n²); validation sets are small).
  public static func kendallTauB(_ a: [Double], _ b: [Double]) -> Double {
    var concordant = 0.0, discordant = 0.0, tiesA = 0.0, tiesB = 0.0
    for i in 0..<a.count {
      for j in (i + 1)..<a.count {
        let da = a[i] - a[j], db = b[i] - b[j]
        if da == 0 && db == 0 { continue }
        if da == 0 { tiesA += 1; continue }
        if db == 0 { tiesB += 1; continue }
        if (da > 0) == (db > 0) { concordant += 1 } else { discordant += 1 }
      }
    }
    let denom = ((concordant + discordant + tiesA) * (concordant + discordant + tiesB)).squareRoot()
    return denom > 0 ? (concordant - discordant) / denom : 0
  }
}
