/// Seeded uniform sampling of OFA configs.
extension OFAConfig {
  /// A uniformly random config: every one of the 20 slots gets a kernel size and an expand ratio (inactive
  /// ones too, like OFA's `sample_active_subnet`), each stage a depth uniform in {2, 3, 4}, and a resolution
  /// uniform on the 25-point grid 128…224. Draw order: ks[0…19], e[0…19], d[0…4], r — one `next()` each,
  /// mapped to 0..<n by the high word of a 64×64-bit product, so a seed gives the same configs on every
  /// platform and Swift version.
  public static func random<G: RandomNumberGenerator>(using rng: inout G, width: OFAWidth = .w10) -> OFAConfig {
    func pick(_ choices: [Int]) -> Int {
      let (high, _) = UInt64(choices.count).multipliedFullWidth(by: rng.next())
      return choices[Int(high)]
    }
    let ks = (0..<OFASpace.slotCount).map { _ in pick(OFASpace.kernelChoices) }
    let e = (0..<OFASpace.slotCount).map { _ in pick(OFASpace.expandChoices) }
    let d = (0..<OFASpace.stageCount).map { _ in pick(OFASpace.depthChoices) }
    let r = pick(OFASpace.resolutions)
    return OFAConfig(ks: ks, e: e, d: d, resolution: r, width: width)
  }

  /// `count` configs drawn in a row from one SplitMix64 stream seeded with `seed`.
  public static func sample(count: Int, seed: UInt64, width: OFAWidth = .w10) -> [OFAConfig] {
    var rng = SplitMix64(seed: seed)
    return (0..<max(0, count)).map { _ in random(using: &rng, width: width) }
  }
}
