/// Width multiplier of the OFA MobileNetV3 supernet.
public enum OFAWidth: String, CaseIterable, Sendable, Codable {
  case w10 = "1.0"
  case w12 = "1.2"
  public var multiplier: Double { self == .w10 ? 1.0 : 1.2 }
}

/// An OFA MobileNetV3 subnet: 5 stages × 4 block slots.
/// `ks[i]` ∈ {3,5,7} and `e[i]` ∈ {3,4,6} for each of the 20 slots; `d[s]` ∈ {2,3,4} active blocks in stage s;
/// `resolution` ∈ {128, 132, ..., 224}. Slots beyond a stage's depth are inactive (their ks/e are ignored).
///
/// Two configs that differ only in inactive slots are the same network: `==`, `hash(into:)` and `canonicalText`
/// see only the canonical form (inactive slots set to ks 3, e 3, values both loaders accept), so sets and
/// dictionaries de-duplicate them and the CLI prints one text per network.
public struct OFAConfig: Hashable, Sendable, Codable {
  public var ks: [Int]
  public var e: [Int]
  public var d: [Int]
  public var resolution: Int
  public var width: OFAWidth

  /// Memberwise, unchecked. Use `validated()` (SearchSpace) before trusting input.
  public init(ks: [Int], e: [Int], d: [Int], resolution: Int, width: OFAWidth = .w10) {
    self.ks = ks
    self.e = e
    self.d = d
    self.resolution = resolution
    self.width = width
  }

  private enum CodingKeys: String, CodingKey { case ks, e, d, resolution, r, width, wid }

  /// Encodes as `{"ks": [...], "e": [...], "d": [...], "resolution": 224, "width": "1.0"}`.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(ks, forKey: .ks)
    try c.encode(e, forKey: .e)
    try c.encode(d, forKey: .d)
    try c.encode(resolution, forKey: .resolution)
    try c.encode(width, forKey: .width)
  }

  /// Decodes helpprof's own form and the OFA/HELP dict spellings: the resolution as `resolution`, or as `r`
  /// (an int, HELP; or a one-element list, OFA tutorial); `width` "1.0"/"1.2" or a number, optional
  /// (default 1.0); HELP's `wid: null` is ignored. Values are not validated here — call `validate()`.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    ks = try c.decode([Int].self, forKey: .ks)
    e = try c.decode([Int].self, forKey: .e)
    d = try c.decode([Int].self, forKey: .d)
    if let r = try c.decodeIfPresent(Int.self, forKey: .resolution) {
      resolution = r
    } else if let r = try? c.decode(Int.self, forKey: .r) {
      resolution = r
    } else {
      let list = try c.decode([Int].self, forKey: .r)
      guard list.count == 1 else {
        throw DecodingError.dataCorruptedError(forKey: .r, in: c,
          debugDescription: "r has \(list.count) values: expected one resolution")
      }
      resolution = list[0]
    }
    if let text = try? c.decode(String.self, forKey: .width) {
      guard let w = OFAWidth(rawValue: text) else {
        throw DecodingError.dataCorruptedError(forKey: .width, in: c,
          debugDescription: "width '\(text)' is not an OFA width: expected 1.0 or 1.2")
      }
      width = w
    } else if let number = try c.decodeIfPresent(Double.self, forKey: .width) {
      guard let w = OFAWidth.allCases.first(where: { abs($0.multiplier - number) < 1e-9 }) else {
        throw DecodingError.dataCorruptedError(forKey: .width, in: c,
          debugDescription: "width \(number) is not an OFA width: expected 1.0 or 1.2")
      }
      width = w
    } else {
      width = .w10
    }
  }

  /// Whether block slot `i` (0..<20) is active under the depths.
  public func isActive(slot i: Int) -> Bool { i / 4 < d.count && i % 4 < d[i / 4] }

  /// Kernel size and expand ratio written into inactive slots by `canonical`.
  public static let inactiveFill = (ks: 3, e: 3)

  /// The same network with every inactive slot set to `inactiveFill` (ks 3, e 3).
  public var canonical: OFAConfig {
    var c = self
    for i in 0..<min(ks.count, e.count) where !isActive(slot: i) {
      c.ks[i] = OFAConfig.inactiveFill.ks
      c.e[i] = OFAConfig.inactiveFill.e
    }
    return c
  }

  /// The text of `canonical`: one string per network, for printing, hashing and de-duplication.
  public var canonicalText: String { canonical.text }

  public static func == (a: OFAConfig, b: OFAConfig) -> Bool {
    let x = a.canonical, y = b.canonical
    return x.ks == y.ks && x.e == y.e && x.d == y.d && x.resolution == y.resolution && x.width == y.width
  }

  public func hash(into hasher: inout Hasher) {
    let c = canonical
    hasher.combine(c.ks)
    hasher.combine(c.e)
    hasher.combine(c.d)
    hasher.combine(c.resolution)
    hasher.combine(c.width)
  }
}
