import SearchSpace

/// How the honest protocol (and `helpprof adapt`) chooses the shots measured besides the references.
///
/// * `random`: uniform draw from the candidates (HELP's protocol).
/// * `macs`: candidates sorted by MACs, split into one stratum per shot by rank, one uniform draw per stratum.
/// * `predicted`: the same stratification, but by the meta-predictor's **zero-shot** prediction for this device
///   (adapted on the reference measurements alone, which the protocol has already counted). It spreads the shots
///   over the device's own latency range, which MACs do not rank well on every device.
public enum ShotStrategy: String, Sendable, CaseIterable {
  case random, macs, predicted

  /// One candidate per equal-size stratum of `candidates` ordered by `score` (ties by candidate value), each drawn
  /// uniformly within its stratum with `next()`; ascending-score order. Fewer candidates than `count`: all of them.
  public static func stratified(_ candidates: [Int], score: (Int) -> Double, count: Int,
                                next: () -> UInt64) -> [Int] {
    let pool = candidates.map { ($0, score($0)) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.map(\.0)
    guard count > 0 else { return [] }
    guard pool.count > count else { return pool }
    return (0..<count).map { s in
      let lo = s * pool.count / count, hi = (s + 1) * pool.count / count
      return pool[lo + Int(next() % UInt64(hi - lo))]
    }
  }
}
