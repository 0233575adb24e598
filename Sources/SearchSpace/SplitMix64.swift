/// A tiny seeded random number generator (SplitMix64), so every seeded result in helpprof is reproducible.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// `count` distinct elements of `items` drawn uniformly, in draw order: a partial Fisher–Yates shuffle from the
  /// front (element i swaps with one of i..<n), the one seeded sampler of helpprof's selections.
  /// Requires 0 ≤ `count` ≤ `items.count`.
  public mutating func sample<T>(_ items: [T], count: Int) -> [T] {
    precondition(count >= 0 && count <= items.count, "sample: \(count) of \(items.count)")
    var pool = items
    for i in 0..<count {
      let j = i + Int(next() % UInt64(pool.count - i))
      pool.swapAt(i, j)
    }
    return Array(pool.prefix(count))
  }

  /// A uniform Float in [-1, 1).
  public mutating func nextSignedUnitFloat() -> Float {
    Float(next() >> 40) / Float(1 << 23) - 1
  }
}
