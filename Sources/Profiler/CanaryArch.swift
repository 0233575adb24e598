import SearchSpace

/// The fixed canary network of each space, timed around every round of the canary protocol.
///
/// Rule: a mid-latency network of the space, fixed once so that every session of every machine uses the same one.
/// - NB201: index 310, `|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|none~0|nor_conv_1x1~1|nor_conv_1x1~2|`,
///   the median-latency cell (1.39 ms) of a 300-cell seeded sample (`--sample 300 --seed 1`) on an Intel Xeon
///   (the range was 0.41–3.83 ms); it is connected and mixes 3×3, 1×1 and pooling.
/// - OFA: the middle choice everywhere: resolution 176, width 1.2 (HELP's OFA data), depth 3 in every stage,
///   kernel 5 and expand ratio 4 in every slot.
/// The canary is built with the session's runtime settings (dataset, kernels, threads, BN, seed) by the same
/// workload factory as the archs.
public enum CanaryArch {
  /// NB201 index of the canary cell.
  public static let nb201Index = 310

  /// The canary of `space` (arch index -2 marks it in notes; it never becomes a row).
  public static func spec(_ space: SpaceKind) throws -> ArchSpec {
    switch space {
    case .nb201:
      return .nb201(index: nb201Index, cell: try NB201Index.cell(at: nb201Index))
    case .ofa:
      let slots = OFASpace.slotCount
      let config = OFAConfig(ks: Array(repeating: 5, count: slots), e: Array(repeating: 4, count: slots),
                             d: Array(repeating: 3, count: OFASpace.stageCount), resolution: 176, width: .w12)
      return .ofa(number: -2, config: config)
    }
  }
}
