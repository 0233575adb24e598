/// Validation of OFA configs: every value is checked against the search space (`OFASpace`), and the
/// first problem found is thrown as a `SearchSpaceError` naming the value and what was expected.
///
/// Rules: `ks` and `e` have 20 entries, `d` has 5; `ks[i]` ∈ {3, 5, 7}, `e[i]` ∈ {3, 4, 6}, `d[s]` ∈ {2, 3, 4};
/// `resolution` ∈ {128, 132, …, 224}. Slots beyond a stage's depth are inactive and may hold either a valid
/// value or 0 (HELP zeroes them before encoding); they never affect cost or encoding.
extension OFAConfig {
  /// Throws the first rule the config breaks.
  public func validate() throws {
    try Self.checkCount(ks, "ks", OFASpace.slotCount, "one kernel size per block slot")
    try Self.checkCount(e, "e", OFASpace.slotCount, "one expand ratio per block slot")
    try Self.checkCount(d, "d", OFASpace.stageCount, "one depth per stage")
    for (s, depth) in d.enumerated() where !OFASpace.depthChoices.contains(depth) {
      throw SearchSpaceError("d[\(s)] = \(depth) is not a stage depth: expected 2, 3 or 4")
    }
    for i in 0..<OFASpace.slotCount {
      let inactiveZeroOK = !isActive(slot: i)
      if !(OFASpace.kernelChoices.contains(ks[i]) || (inactiveZeroOK && ks[i] == 0)) {
        throw SearchSpaceError("ks[\(i)] = \(ks[i]) is not a kernel size: expected 3, 5 or 7"
          + (inactiveZeroOK ? " (or 0 in an inactive slot)" : ""))
      }
      if !(OFASpace.expandChoices.contains(e[i]) || (inactiveZeroOK && e[i] == 0)) {
        throw SearchSpaceError("e[\(i)] = \(e[i]) is not an expand ratio: expected 3, 4 or 6"
          + (inactiveZeroOK ? " (or 0 in an inactive slot)" : ""))
      }
    }
    try Self.checkResolution(resolution)
  }

  /// The config itself when valid; throws otherwise.
  public func validated() throws -> OFAConfig {
    try validate()
    return self
  }

  /// Whether `validate()` passes.
  public var isValid: Bool { (try? validate()) != nil }

  /// Number of active MBConv blocks, including the fixed first block: 1 + Σd ∈ 11...21.
  public var activeBlockCount: Int { 1 + d.reduce(0, +) }

  /// Throws unless `r` is on the 128…224 step-4 grid.
  public static func checkResolution(_ r: Int) throws {
    guard OFASpace.resolutions.contains(r) else {
      throw SearchSpaceError("resolution \(r) is off the grid: expected 128, 132, ..., 224")
    }
  }

  private static func checkCount(_ list: [Int], _ name: String, _ count: Int, _ what: String) throws {
    guard list.count == count else {
      throw SearchSpaceError("\(name) has \(list.count) value\(list.count == 1 ? "" : "s"): expected \(count) (\(what))")
    }
  }
}

extension OFAWidth {
  /// Parses "1.0"/"1.2" (also "1", "1.00", "1.20"); throws naming the value otherwise.
  public init(parsing text: String) throws {
    switch text {
    case "1.0", "1", "1.00": self = .w10
    case "1.2", "1.20": self = .w12
    default: throw SearchSpaceError("width \(SearchSpaceError.quoted(text)) is not an OFA width: expected 1.0 or 1.2")
    }
  }
}
