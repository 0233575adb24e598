import Counters

/// The drift-cancelling estimator of the canary protocol (pure functions, no timing).
///
/// Each timed run `x_i` of an arch is divided by the canary level `c_i` measured around it (the same round),
/// giving ratios `r_i = x_i / c_i` that do not move when the whole machine slows down. The estimate is
/// `median(r) × baseline`, where the baseline is a low quantile of the session's canary levels (the canary's
/// undisturbed speed); a low quantile of the ratios instead of the median also drops the short, one-sided
/// disturbances that the canary cannot see. The confidence of the estimate is the 95 % order-statistic interval
/// of that quantile of the ratios; with the samples' rounds given and at least `minRoundsForRoundCI` of them, it is
/// at least the same interval over the rounds' own medians (runs of one round share its canary levels and the
/// host's phase, so they are not independent: over ~100 rounds the interval over runs covered 77 % of the
/// differences between two processes, the one over rounds 92 %; see `relativeCI`).
///
/// ```swift
/// let e = CanaryEstimate(samples: [2.0, 3.0, 2.0], canary: [1.0, 1.5, 1.0], baseline: 1.0)
/// e?.latencyMs   // 2.0: the slow middle run (both ×1.5) is cancelled
/// ```
public struct CanaryEstimate: Sendable, Equatable {
  /// The chosen quantile (median by default) of the ratios sample / canary level.
  public let ratio: Double
  /// The canary baseline (ms) the ratio is scaled by.
  public let baseline: Double
  /// `ratio × baseline`.
  public let latencyMs: Double
  /// Relative half-width of the 95 % CI of the estimate: the order-statistic CI of the quantile over the
  /// ratios, or, with `roundSizes` and ≥ `minRoundsForRoundCI` rounds, the larger of that and the same CI over the
  /// rounds' median ratios (relative to the estimate). Chosen by calibration on validation sessions (Intel Xeon
  /// f6m207; share of archs whose difference between two processes lies within the two CIs combined, 95 % is
  /// right): NB201 profile rows (5 rounds) 94 % over runs, 99 % over rounds (±10 %, uninformative); OFA rows (10
  /// rounds) 97 % / 100 %; reference-grade rows (~100 rounds) 77 % over runs (±0.72 %) against 92 % (±1.07 %).
  /// The rest is a per-process part that no interval from within one session can see.
  public let relativeCI: Double
  /// The CI over the runs alone (the one before rounds were counted), for comparison.
  public let runsRelativeCI: Double
  public let count: Int
  /// Rounds the samples came in (nil when not given).
  public let rounds: Int?

  /// Fewest rounds whose medians give a CI worth taking: below it the order-statistic interval of the round medians
  /// is their whole range (for 10 rounds, [min, max]), wider than anything the runs say.
  public static let minRoundsForRoundCI = 20

  /// nil when there are no samples, the arrays differ in length, or any value is not a positive finite number.
  /// `quantile` is the statistic of the ratios (0.5 = median). `roundSizes`: how many consecutive samples each
  /// round gave, in order (ignored unless they add up to the sample count).
  public init?(samples: [Double], canary: [Double], baseline: Double, quantile q: Double = 0.5,
               roundSizes: [Int]? = nil) {
    guard !samples.isEmpty, samples.count == canary.count, baseline.isFinite, baseline > 0, q >= 0, q <= 1,
          canary.allSatisfy({ $0.isFinite && $0 > 0 }), samples.allSatisfy({ $0.isFinite && $0 >= 0 }) else { return nil }
    let inOrder = zip(samples, canary).map { $0 / $1 }
    let ratios = inOrder.sorted()
    let m = SampleStats.quantile(sorted: ratios, q)
    ratio = m
    self.baseline = baseline
    latencyMs = m * baseline
    runsRelativeCI = CanaryEstimate.relativeQuantileCI(sorted: ratios, q)
    count = ratios.count
    let groups = roundSizes.flatMap { CanaryEstimate.roundMedians(inOrder, sizes: $0) }
    rounds = groups?.count
    if let g = groups, g.count >= CanaryEstimate.minRoundsForRoundCI, m > 0 {
      let sorted = g.sorted()
      let (l, u) = CanaryEstimate.quantileCIRanks(sorted.count, q)
      relativeCI = Swift.max(runsRelativeCI, (sorted[u - 1] - sorted[l - 1]) / (2 * m))
    } else {
      relativeCI = runsRelativeCI
    }
  }

  /// The median of each round's values (`sizes` consecutive values each); nil when the sizes are not all positive
  /// or do not add up to the values' count.
  public static func roundMedians(_ values: [Double], sizes: [Int]) -> [Double]? {
    guard sizes.allSatisfy({ $0 > 0 }), sizes.reduce(0, +) == values.count else { return nil }
    var out: [Double] = []
    var start = 0
    for n in sizes {
      out.append(SampleStats.quantile(sorted: values[start..<start + n].sorted(), 0.5))
      start += n
    }
    return out
  }

  /// The 1-based ranks (l, u) of the distribution-free 95 % CI of the `q` quantile of n samples:
  /// l = ⌊nq − 1.96√(nq(1−q))⌋, u = ⌈1 + nq + 1.96√(nq(1−q))⌉, clamped to 1...n (for the median:
  /// ⌊n/2 − 0.98√n⌋ and ⌈1 + n/2 + 0.98√n⌉).
  public static func quantileCIRanks(_ n: Int, _ q: Double = 0.5) -> (lower: Int, upper: Int) {
    let nq = Double(n) * q
    let half = 1.96 * (nq * (1 - q)).squareRoot()
    let l = Int((nq - half).rounded(.down))
    let u = Int((1 + nq + half).rounded(.up))
    return (Swift.max(1, Swift.min(n, l)), Swift.max(1, Swift.min(n, u)))
  }

  /// (x_(u) − x_(l)) / (2 × quantile q) of ascending samples; 1 (no confidence) for fewer than 3 samples or a
  /// non-positive quantile.
  public static func relativeQuantileCI(sorted s: [Double], _ q: Double = 0.5) -> Double {
    guard s.count >= 3 else { return 1 }
    let x = SampleStats.quantile(sorted: s, q)
    guard x > 0 else { return 1 }
    let (l, u) = quantileCIRanks(s.count, q)
    return (s[u - 1] - s[l - 1]) / (2 * x)
  }

  /// The canary level at time `t` between boundary levels (`t0`, `c0`) and (`t1`, `c1`): linear in time,
  /// `c0` when the boundaries coincide.
  public static func interpolate(t: Double, t0: Double, c0: Double, t1: Double, c1: Double) -> Double {
    guard t1 > t0 else { return c0 }
    let f = Swift.min(1, Swift.max(0, (t - t0) / (t1 - t0)))
    return c0 + (c1 - c0) * f
  }

  /// The running median of the last `k` values of `levels` (the canary level a round is divided by when the
  /// levels are smoothed); nil when there are none.
  public static func smoothed(levels: [Double], last k: Int) -> Double? {
    let tail = Array(levels.suffix(Swift.max(1, k)))
    guard !tail.isEmpty else { return nil }
    return SampleStats.quantile(sorted: tail.sorted(), 0.5)
  }

  /// The session baseline: quantile `q` of the canary levels; nil when there are none.
  public static func baseline(levels: [Double], quantile q: Double) -> Double? {
    guard !levels.isEmpty, levels.allSatisfy(\.isFinite) else { return nil }
    return SampleStats.quantile(sorted: levels.sorted(), q)
  }
}
