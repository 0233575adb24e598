import Predictor
import SearchSpace

/// Chooses which architectures to measure for adaptation ("shots") and validation, reproducibly.
///
/// Strategy (documented, seeded): **stratified by MACs**. Candidates are sorted by MACs (ties by key), split
/// into `count` equal-size strata by rank, and one candidate is drawn uniformly from each stratum with
/// `SplitMix64(seed)`. The shots therefore span the space from the cheapest to the most expensive networks,
/// which a few-shot latency regressor needs more than a uniform draw (10 uniform draws often miss the tails).
/// Validation sets use a plain seeded uniform draw (`uniform`), excluding the shots and references.
public enum ShotSelection {
  /// A candidate architecture: a unique key (e.g. the NB201 index) and its MACs.
  public struct Candidate: Sendable, Equatable {
    public var key: Int
    public var macs: Int
    public init(key: Int, macs: Int) {
      self.key = key
      self.macs = macs
    }
  }

  /// Keys of `count` candidates, one per MACs stratum, in ascending-MACs order. Candidates whose key is in
  /// `exclude` are skipped. Throws when fewer than `count` candidates remain.
  public static func stratifiedByMACs(_ candidates: [Candidate], count: Int, seed: UInt64,
                                      exclude: Set<Int> = []) throws -> [Int] {
    guard count >= 1 else { throw OnboardingError.invalidArgument("shot count \(count): expected at least 1") }
    let pool = candidates.filter { !exclude.contains($0.key) }
      .sorted { ($0.macs, $0.key) < ($1.macs, $1.key) }
    guard pool.count >= count else {
      throw OnboardingError.invalidArgument("\(count) shots requested but only \(pool.count) candidates are available")
    }
    // Predictor's stratified draw, over positions in `pool` (already in (MACs, key) order).
    var rng = SplitMix64(seed: seed)
    return ShotStrategy.stratified(Array(pool.indices), score: { Double(pool[$0].macs) }, count: count,
                                   next: { rng.next() }).map { pool[$0].key }
  }

  /// `count` distinct keys drawn uniformly (partial Fisher–Yates with `SplitMix64(seed)`), skipping `exclude`.
  public static func uniform(_ keys: [Int], count: Int, seed: UInt64, exclude: Set<Int> = []) throws -> [Int] {
    let pool = keys.filter { !exclude.contains($0) }
    guard count >= 0, pool.count >= count else {
      throw OnboardingError.invalidArgument("\(count) architectures requested but only \(pool.count) are available")
    }
    var rng = SplitMix64(seed: seed)
    return rng.sample(pool, count: count)
  }
}
