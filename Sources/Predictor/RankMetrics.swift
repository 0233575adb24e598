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

  /// Kendall τ-b (tie-corrected) in O(n log n) (Knight 1966): sort by (a, b); count the pairs tied in a (n1)
  /// and in both (n3); count the discordant pairs as the swaps a merge sort of the b sequence makes; count the
  /// pairs tied in b (n2). τ-b = (n0 − n1 − n2 + n3 − 2·swaps) / √((n0 − n1)(n0 − n2)); 0 when a side is constant.
  /// 1e6 pairs of values take about a second instead of hours (`report` on a big measurements file).
  public static func kendall(_ a: [Double], _ b: [Double]) -> Double {
    let n = min(a.count, b.count)
    guard n > 1 else { return 0 }
    let order = (0..<n).sorted { a[$0] < a[$1] || (a[$0] == a[$1] && b[$0] < b[$1]) }
    var n1 = 0, n3 = 0
    var i = 0
    while i < n {
      var j = i + 1
      while j < n && a[order[j]] == a[order[i]] { j += 1 }
      n1 += (j - i) * (j - i - 1) / 2
      var k = i
      while k < j {
        var l = k + 1
        while l < j && b[order[l]] == b[order[k]] { l += 1 }
        n3 += (l - k) * (l - k - 1) / 2
        k = l
      }
      i = j
    }
    var ys = order.map { b[$0] }
    let swaps = mergeSortCountingSwaps(&ys)
    var n2 = 0
    i = 0
    while i < n {
      var j = i + 1
      while j < n && ys[j] == ys[i] { j += 1 }
      n2 += (j - i) * (j - i - 1) / 2
      i = j
    }
    let n0 = n * (n - 1) / 2
    let den = (Double(n0 - n1) * Double(n0 - n2)).squareRoot()
    return den > 0 ? Double(n0 - n1 - n2 + n3 - 2 * swaps) / den : 0
  }

  /// Sorts `v` ascending (stable, bottom-up merge sort) and returns the number of inversions (pairs i < j with
  /// v[i] > v[j]; equal values are not inversions).
  static func mergeSortCountingSwaps(_ v: inout [Double]) -> Int {
    let n = v.count
    var buf = v
    var swaps = 0
    var width = 1
    while width < n {
      var lo = 0
      while lo < n {
        let mid = min(lo + width, n), hi = min(lo + 2 * width, n)
        var l = lo, r = mid, o = lo
        while l < mid && r < hi {
          if v[l] <= v[r] {
            buf[o] = v[l]; l += 1
          } else {
            buf[o] = v[r]; r += 1
            swaps += mid - l
          }
          o += 1
        }
        while l < mid { buf[o] = v[l]; l += 1; o += 1 }
        while r < hi { buf[o] = v[r]; r += 1; o += 1 }
        lo = hi
      }
      swap(&v, &buf)
      width *= 2
    }
    return swaps
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
