/// The 32-bit Mersenne Twister MT19937, seeded and consumed exactly like CPython's `random` module, so that
/// `random.seed(s); random.shuffle(x)` can be reproduced bit for bit (the NB201 index order depends on it).
///
/// - `init(seed:)` = `random.seed(seed)` for a non-negative int: `init_by_array` over the 32-bit
///   little-endian words of the seed (at least one word; seed 0 → key [0]).
/// - `next32()` = `genrand_uint32`; `getrandbits(_:)` = `random.getrandbits(k)` for k ≤ 64;
///   `randbelow(_:)` = `Random._randbelow_with_getrandbits`; `shuffle(_:)` = `random.shuffle` (Python ≥ 3.11,
///   and earlier versions without the `random` argument).
public struct MersenneTwister: Sendable {
  private static let n = 624
  private static let m = 397
  private var mt = [UInt32](repeating: 0, count: 624)
  private var mti = 625

  /// CPython `init_by_array(key)`.
  public init(key: [UInt32]) {
    let key = key.isEmpty ? [0] : key
    initGenrand(19_650_218)
    var i = 1, j = 0
    for _ in 0..<max(Self.n, key.count) {
      let prev = mt[i - 1] ^ (mt[i - 1] >> 30)
      mt[i] = (mt[i] ^ (prev &* 1_664_525)) &+ key[j] &+ UInt32(truncatingIfNeeded: j)
      i += 1
      j += 1
      if i >= Self.n { mt[0] = mt[Self.n - 1]; i = 1 }
      if j >= key.count { j = 0 }
    }
    for _ in 0..<(Self.n - 1) {
      let prev = mt[i - 1] ^ (mt[i - 1] >> 30)
      mt[i] = (mt[i] ^ (prev &* 1_566_083_941)) &- UInt32(truncatingIfNeeded: i)
      i += 1
      if i >= Self.n { mt[0] = mt[Self.n - 1]; i = 1 }
    }
    mt[0] = 0x8000_0000
  }

  /// CPython `random.seed(seed)` for a non-negative integer seed.
  public init(seed: UInt64) {
    let lo = UInt32(truncatingIfNeeded: seed), hi = UInt32(truncatingIfNeeded: seed >> 32)
    self.init(key: hi == 0 ? [lo] : [lo, hi])
  }

  /// Reference `init_genrand(s)`.
  private mutating func initGenrand(_ s: UInt32) {
    mt[0] = s
    for i in 1..<Self.n {
      mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(truncatingIfNeeded: i)
    }
    mti = Self.n
  }

  /// Regenerates the 624-word state block.
  private mutating func twist() {
    let upper: UInt32 = 0x8000_0000, lower: UInt32 = 0x7FFF_FFFF, matrixA: UInt32 = 0x9908_B0DF
    for k in 0..<Self.n {
      let y = (mt[k] & upper) | (mt[(k + 1) % Self.n] & lower)
      mt[k] = mt[(k + Self.m) % Self.n] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : matrixA)
    }
    mti = 0
  }

  /// The next 32-bit output (`genrand_uint32`).
  public mutating func next32() -> UInt32 {
    if mti >= Self.n { twist() }
    var y = mt[mti]
    mti += 1
    y ^= y >> 11
    y ^= (y << 7) & 0x9D2C_5680
    y ^= (y << 15) & 0xEFC6_0000
    y ^= y >> 18
    return y
  }

  /// `random.getrandbits(k)` for 0 ≤ k ≤ 64 (k ≤ 32 uses one output `>> (32 − k)`; larger k fills 32-bit
  /// words least significant first, the last one shifted down). k outside 0...64 traps.
  public mutating func getrandbits(_ k: Int) -> UInt64 {
    precondition((0...64).contains(k), "getrandbits supports 0...64 bits, got \(k)")
    if k == 0 { return 0 }
    if k <= 32 { return UInt64(next32() >> UInt32(32 - k)) }
    let low = UInt64(next32())
    let high = UInt64(next32() >> UInt32(64 - k))
    return low | (high << 32)
  }

  /// A uniform integer in 0..<n by rejection (`_randbelow_with_getrandbits`); returns 0 for n == 0.
  public mutating func randbelow(_ n: Int) -> Int {
    precondition(n >= 0, "randbelow needs n >= 0, got \(n)")
    if n == 0 { return 0 }
    let k = Int.bitWidth - n.leadingZeroBitCount
    var r = getrandbits(k)
    while r >= UInt64(n) { r = getrandbits(k) }
    return Int(r)
  }

  /// In-place Fisher–Yates shuffle exactly as `random.shuffle(x)`: for i from count−1 down to 1,
  /// j = randbelow(i + 1), swap x[i] and x[j].
  public mutating func shuffle<T>(_ x: inout [T]) {
    guard x.count > 1 else { return }
    for i in stride(from: x.count - 1, through: 1, by: -1) {
      let j = randbelow(i + 1)
      x.swapAt(i, j)
    }
  }
}
