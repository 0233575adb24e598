/// HELP's 145-float OFA feature vector (HELP-utils `arch_encoding_ofa`, spec B8).
///
/// Layout: kernel one-hots (60 = 20 slots × {3, 5, 7}), then expand one-hots (60 = 20 slots × {3, 4, 6}),
/// then a resolution one-hot (25 = index (r − 128) / 4). Inactive slots (beyond the stage depth) are all
/// zero; depth is implied by those zero triplets. Width is not encoded.
public enum OFAEncoding {
  /// Length of the feature vector: 60 + 60 + 25.
  public static let featureCount = 145
  /// Offset of the kernel one-hots.
  public static let kernelOffset = 0
  /// Offset of the expand one-hots.
  public static let expandOffset = 60
  /// Offset of the resolution one-hot.
  public static let resolutionOffset = 120

  /// Encodes a config. Values off the grid (and any slot of a malformed config) encode as zeros, so
  /// validate first (`OFAConfig.validate()`) when the config comes from input.
  public static func help(_ config: OFAConfig) -> [Float] {
    var f = [Float](repeating: 0, count: featureCount)
    let slots = min(OFASpace.slotCount, config.ks.count, config.e.count)
    let depthsOK = config.d.count == OFASpace.stageCount
    for i in 0..<slots where depthsOK && config.isActive(slot: i) {
      if let k = OFASpace.kernelChoices.firstIndex(of: config.ks[i]) { f[kernelOffset + 3 * i + k] = 1 }
      if let x = OFASpace.expandChoices.firstIndex(of: config.e[i]) { f[expandOffset + 3 * i + x] = 1 }
    }
    if let r = OFASpace.resolutions.firstIndex(of: config.resolution) { f[resolutionOffset + r] = 1 }
    return f
  }
}

extension OFAConfig {
  /// HELP's 145-float feature vector (see `OFAEncoding`).
  public var helpEncoding: [Float] { OFAEncoding.help(self) }
}
