import SearchSpace

/// Which meta-predictor `embed` and `adapt` use per space, and its reference architectures.
///
/// Until a bundled meta-predictor names its own reference list, HELP's published lists are used
/// (`ReferenceSet.helpDefaults`), under the identifier `help-<space>-refs-v1`.
public enum MetaPredictorCatalog {
  /// Identifier of the meta-predictor (stored in profiles; a resume must match it).
  public static func id(space: SpaceKind) throws -> String {
    "help-\(space.rawValue)-refs-v1"
  }

  /// Reference architectures, in embedding order.
  public static func referenceArchs(space: SpaceKind) throws -> [ReferenceArch] {
    try ReferenceSet.helpDefaults(space)
  }
}
