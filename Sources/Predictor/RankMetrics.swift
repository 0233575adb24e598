import Foundation

/// Accuracy metrics of latency predictions against measurements.
public enum RankMetrics {
  /// Average ranks (ties share the mean rank), 0-based.
  public static func ranks(_ v: [Double]) -> [Double] {
    let order = v.indices.sorted { v[$0] < v[$1] }
    var r = [Double](repeating: 0, count: v.count)
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
      let avg = Double(i + j) / 2
      for k in i...j { r[order[k]] = avg }
      i = j + 1
    }
    return r
  }

  /// Pearson correlation (0 when either side is constant).
  public static func pearson(_ a: [Double], _ b: [Double]) -> Double {
    let n = Double(a.count)
    guard a.count == b.count, a.count > 1 else { return 0 }
    let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
    var sab = 0.0, saa = 0.0, sbb = 0.0
    for i in a.indices { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb) }
    return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : 0
  }

  /// Spearman ρ (Pearson of average ranks).
  public static func spearman(_ a: [Double], _ b: [Double]) -> Double { pearson(ranks(a), ranks(b)) }

  /// Kendall τ-b (tie-corrected), O(n²).
  public static func kendall(_ a: [Double], _ b: [Double]) -> Double {
    var c = 0.0, d = 0.0, ta = 0.0, tb = 0.0
    for i in 0..<a.count {
      for j in (i + 1)..<max(a.count, i + 1) {
        let x = a[i] - a[j], y = b[i] - b[j]
        if x == 0 && y == 0 { continue }
        if x == 0 { ta += 1 } else if y == 0 { tb += 1 } else if (x > 0) == (y > 0) { c += 1 } else { d += 1 }
      }
    }
    let den = ((c + d + ta) * (c + d + tb)).squareRoot()
    return den > 0 ? (c - d) / den : 0
  }

  /// Mean absolute percentage error, in percent.
  public static func mape(predicted p: [Double], measured m: [Double]) -> Double {
    guard !p.isEmpty else { return 0 }
    return zip(p, m).map { abs($0 - $1) / max(abs($1), 1e-12) }.reduce(0, +) / Double(p.count) * 100
  }

  /// Share (0…1) of predictions within ±10 % of the measurement.
  public static func within10(predicted p: [Double], measured m: [Double]) -> Double {
    guard !p.isEmpty else { return 0 }
    return Double(zip(p, m).filter { abs($0 - $1) <= 0.1 * abs($1) }.count) / Double(p.count)
  }
}
