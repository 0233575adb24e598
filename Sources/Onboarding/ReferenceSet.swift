import SearchSpace

/// The reference architectures whose latencies form HELP's hardware embedding.
///
/// The bundled meta-predictor names its own list (its metadata); these defaults are HELP's published lists
/// (`data/<space>/hardware_embedding_index.pt`): NB201 indices into the official 15,625-cell list, OFA rows of
/// HELP's 5,000-subnet list (`ofa_archs.csv`, w1.2 supernet), stored here as configs so no data file is needed.
public enum ReferenceSet {
  /// HELP's NB201 reference indices, in embedding order.
  public static let nb201Indices = [11982, 431, 55, 9, 14451, 8636, 9881, 13479, 6196, 1462]

  /// HELP's OFA references: (row index, resolution, d, ks, e) as in `ofa_archs.csv`.
  public static let ofaRows: [(Int, String, String, String, String)] = [
    (1316, "196", "4-3-3-4-2", "7-7-5-5-7-7-3-5-7-7-5-7-3-5-3-3-3-5-5-7", "3-6-3-6-6-4-3-6-4-6-6-3-3-4-4-3-3-3-3-4"),
    (1587, "172", "3-2-2-3-2", "7-3-3-7-5-3-7-3-5-7-7-7-3-7-5-5-3-5-7-7", "4-3-6-6-6-6-4-3-3-6-3-4-6-3-3-4-6-3-4-3"),
    (1621, "204", "2-2-2-2-3", "7-5-7-3-3-3-7-3-7-7-5-7-5-5-7-7-7-7-7-3", "4-4-6-6-4-4-4-6-6-3-6-6-3-6-3-3-3-6-4-6"),
    (1636, "200", "4-3-4-4-4", "3-7-5-7-3-3-5-7-3-3-5-3-7-5-3-7-7-5-5-3", "4-3-3-6-3-3-4-4-6-6-4-6-3-6-6-6-4-4-4-6"),
    (1980, "136", "2-2-2-3-2", "5-7-3-5-7-7-3-7-7-3-7-7-7-7-7-3-7-7-5-5", "4-6-6-3-4-6-6-6-4-3-3-3-6-4-4-3-4-6-4-4"),
    (2329, "224", "4-2-3-4-4", "7-7-5-7-3-7-3-5-3-7-7-5-3-3-7-7-3-5-7-7", "6-4-3-6-6-6-6-3-6-4-6-6-6-6-4-3-4-6-6-3"),
    (2487, "132", "4-2-4-2-3", "5-5-7-3-3-3-3-7-7-3-3-5-7-3-3-7-3-3-3-5", "6-3-4-4-3-3-3-6-3-3-4-4-3-3-6-4-3-6-6-3"),
    (3355, "152", "2-4-2-4-4", "7-3-7-3-3-7-5-7-7-3-3-3-3-3-3-7-7-7-3-7", "3-6-6-4-6-4-3-4-6-4-4-3-6-3-4-3-4-3-3-6"),
    (3740, "152", "2-4-3-4-4", "7-3-3-5-3-7-3-5-5-5-5-3-5-5-3-5-5-5-3-7", "4-4-4-6-6-3-6-4-4-4-4-4-3-4-6-4-6-3-3-3"),
    (4948, "200", "4-4-3-4-2", "3-3-7-7-7-7-7-7-5-7-3-7-3-5-5-3-3-7-3-5", "3-3-4-6-6-6-4-3-6-3-3-3-3-3-6-3-6-6-6-3"),
  ]

  /// HELP's default references for `space`.
  public static func helpDefaults(_ space: SpaceKind) throws -> [ReferenceArch] {
    switch space {
    case .nb201:
      return try nb201Indices.map { ReferenceArch(index: $0, arch: try NB201Index.cell(at: $0).archString) }
    case .ofa:
      return try ofaRows.map { row in
        ReferenceArch(index: row.0, arch: try OFAConfig(csvResolution: row.1, d: row.2, ks: row.3, e: row.4).text)
      }
    }
  }

  /// The architecture a reference's text names (validating it against its index for NB201).
  public static func arch(_ ref: ReferenceArch, space: SpaceKind) throws -> Arch {
    let arch = try Arch(text: ref.arch, space: space)
    if case .nb201(let cell) = arch, NB201Index.index(of: cell) != ref.index {
      throw OnboardingError.invalidArgument(
        "reference \(ref.index) has arch string \(ref.arch), which is NB201 index \(NB201Index.index(of: cell))")
    }
    return arch
  }

  /// MACs of an architecture given by text (NB201 arch string on `dataset`, or OFA config).
  public static func macs(_ arch: String, space: SpaceKind, dataset: NB201Dataset = .cifar10) throws -> Int {
    try Arch(text: arch, space: space).macs(dataset: dataset)
  }
}
