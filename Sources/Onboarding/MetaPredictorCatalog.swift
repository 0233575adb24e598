import Predictor
import SearchSpace

/// Which meta-predictor `embed` and `adapt` use per space, and its reference architectures.
///
/// The bundled meta-predictor (`MetaPredictor.loadBundled`) names its own reference list; when no bundled
/// model loads, HELP's published lists (`ReferenceSet.helpDefaults`) are used under the identifier
/// `help-<space>-refs-v1` (enough to embed; adapt then needs a meta-predictor and says so).
public enum MetaPredictorCatalog {
  /// The bundled meta-predictor for `space`.
  public static func bundled(space: SpaceKind) throws -> MetaPredictor {
    do {
      return try MetaPredictor.loadBundled(space: space)
    } catch let e as PredictorError where !e.description.hasPrefix("no bundled meta-predictor") {
      // A bundled file that fails verification is malformed data (exit 65), not bad input.
      throw OnboardingError.badPredictor(path: "bundled \(space.rawValue)-meta.safetensors", reason: e.description)
    } catch {
      throw OnboardingError.invalidArgument("no usable bundled meta-predictor for \(space.rawValue): \(error)")
    }
  }

  /// Identifier of a meta-predictor (its metadata `name`, else `bundled-<space>`).
  public static func id(of meta: MetaPredictor) -> String {
    meta.metadata["name"] ?? "bundled-\(meta.config.space.rawValue)"
  }

  /// Identifier of the meta-predictor used for `space` (stored in profiles; a resume must match it).
  public static func id(space: SpaceKind) throws -> String {
    if let m = try? MetaPredictor.loadBundled(space: space) { return id(of: m) }
    return "help-\(space.rawValue)-refs-v1"
  }

  /// Reference architectures of `meta`, in embedding order.
  public static func referenceArchs(of meta: MetaPredictor) -> [ReferenceArch] {
    zip(meta.referenceIndices, meta.referenceArchs).map { ReferenceArch(index: $0, arch: MetaPredictor.text($1)) }
  }

  /// Reference architectures for `space`, in embedding order (bundled model's, else HELP's).
  public static func referenceArchs(space: SpaceKind) throws -> [ReferenceArch] {
    if let m = try? MetaPredictor.loadBundled(space: space) { return referenceArchs(of: m) }
    return try ReferenceSet.helpDefaults(space)
  }
}
