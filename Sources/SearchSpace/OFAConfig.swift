/// Width multiplier of the OFA MobileNetV3 supernet.
public enum OFAWidth: String, CaseIterable, Sendable, Codable {
  case w10 = "1.0"
  case w12 = "1.2"
  public var multiplier: Double { self == .w10 ? 1.0 : 1.2 }
}

/// An OFA MobileNetV3 subnet: 5 stages × 4 block slots.
/// `ks[i]` ∈ {3,5,7} and `e[i]` ∈ {3,4,6} for each of the 20 slots; `d[s]` ∈ {2,3,4} active blocks in stage s;
/// `resolution` ∈ {128, 132, ..., 224}. Slots beyond a stage's depth are inactive (their ks/e are ignored).
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

  /// Whether block slot `i` (0..<20) is active under the depths.
  public func isActive(slot i: Int) -> Bool { i % 4 < d[i / 4] }
}
