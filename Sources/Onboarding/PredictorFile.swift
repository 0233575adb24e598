import Foundation
import Predictor
import SearchSpace
import TensorFile

/// The adapted-predictor file (`device.helpp`, safetensors), owned here: what goes into it (`make`: the adapted
/// tensors, `PredictorMetadata`'s keys, the model and normalisation JSON, the measurement quality), and loading it
/// back with full verification (`load`). `PredictorMetadata` is its metadata schema (a file of its own so that
/// fuzz/build.sh can compile the parser alone); `AdaptedPredictor.stored` is the tensor layout the network needs.
/// ```swift
/// try PredictorFile.make(adapted, metadata: md).write(to: "device.helpp")
/// let loaded = try PredictorFile.load(path: "device.helpp", expectedSpace: .nb201)
/// print(try loaded.predictMs(["|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|"]))
/// ```
public enum PredictorFile {
  /// The file's content: the adapted tensors (F32) and the metadata (`PredictorMetadata` keys, the predictor's own
  /// keys and, when given, `measurement_quality`), sealed with the checksum. Write it with `TensorFile.write(to:)`
  /// (SafeIO's atomic writer).
  public static func make(_ adapted: AdaptedPredictor, metadata: PredictorMetadata,
                          quality: MeasurementQuality? = nil) throws -> TensorFile {
    let stored = adapted.stored
    var file = TensorFile()
    for (name, t) in stored.tensors { file.tensors[name] = try Tensor(floats: t.data, shape: t.shape) }
    var md = stored.metadata
    for (k, v) in try metadata.encoded() { md[k] = v }
    // One key beside PredictorMetadata's, covered by the checksum like the others.
    if let quality { md["measurement_quality"] = try quality.json() }
    file.metadata = md
    file.sealChecksum()
    return file
  }

  /// Model hyperparameters as JSON (stored as metadata `model`).
  public static func modelJSON(_ adapted: AdaptedPredictor, metaPredictorID: String) -> String {
    let c = adapted.config
    let encoder = c.space == .nb201 ? "gcn" : "mlp"
    return "{\"encoder\":\"\(encoder)\",\"hidden\":\(c.hidden),\"hw_dim\":\(c.hwDim),\"input_features\":\(c.inputFeatures),"
      + "\"live_feature\":\(c.liveFeature),\"meta_predictor\":\(HeaderJSON.quote(metaPredictorID)),"
      + "\"name\":\"help\",\"spec\":\"Sources/Predictor/MODEL.md\"}"
  }

  /// Target normalisation as JSON (stored as metadata `target_normalisation`).
  public static func normalisationJSON(_ adapted: AdaptedPredictor) -> String {
    let n = adapted.normaliser
    return "{\"a\":\(n.a),\"b\":\(n.b),\"recipe\":\(HeaderJSON.quote(n.recipe.rawValue))}"
  }

  /// A loaded, verified predictor file.
  public struct Loaded {
    public var predictor: AdaptedPredictor
    public var metadata: PredictorMetadata
    public var file: TensorFile
    /// The file it was loaded from (named in errors).
    public var path: String = "predictor"
    /// Predicted ms for architectures given as text (OFA text without `w=` takes the predictor's width).
    public func predictMs(_ archs: [String]) throws -> [Double] {
      try predictMs(keys: try archs.map { try Arch(text: $0, space: metadata.space, ofaWidth: metadata.ofaWidth) })
    }
    /// Predicted ms for architecture keys (no text parsing: the fast path for big batches). An OFA subnet of
    /// another width than the predictor's is refused (`invalidArgument`): the encoding has no width, so the
    /// predictor would silently answer for its own width.
    public func predictMs(keys: [ArchKey]) throws -> [Double] {
      if let width = metadata.ofaWidth {
        for k in keys {
          if case .ofa(let c) = k, c.width != width {
            throw OnboardingError.invalidArgument(
              "OFA subnet '\(c.text.prefix(80))' has width \(c.width.rawValue) but this predictor was adapted on width "
              + "\(width.rawValue) subnets: give w=\(width.rawValue) (or adapt a predictor on w=\(c.width.rawValue) measurements)")
          }
        }
      }
      do {
        return try predictor.predictMs(keys)
      } catch let e as PredictorError {
        throw OnboardingError.badPredictor(path: path, reason: e.description)
      }
    }
  }

  /// Loads and verifies a predictor file: safetensors structure and finite values, format name and version
  /// (newer → error), checksum over tensors and metadata, metadata, space (`expectedSpace` when given), exactly
  /// the expected tensors with the expected shapes, usable normalisation constants that agree with
  /// `target_normalisation`, and a `hw_embedding` tensor equal to `device_embedding`.
  public static func load(path: String, expectedSpace: SpaceKind? = nil) throws -> Loaded {
    let file: TensorFile
    do {
      file = try TensorFile.read(path: path)
    } catch let e as TensorFileError {
      if case .io(let p, let reason) = e { throw OnboardingError.io(path: p, reason: reason) }
      throw OnboardingError.badPredictor(path: path,
                                         reason: FileKind.wrongKindHint(path, expected: "a predictor file") ?? e.description)
    }
    let meta = try PredictorMetadata(file: file, source: path, expectedSpace: expectedSpace)
    let predictor: AdaptedPredictor
    do {
      var stored: [String: (shape: [Int], data: [Float])] = [:]
      for (name, t) in file.tensors {
        guard t.dtype == .f32 else { throw TensorFileError.wrongDType(name: name, dtype: t.dtype.rawValue, expected: "F32") }
        stored[name] = (t.shape, t.floatValues())
      }
      predictor = try AdaptedPredictor(tensors: stored, metadata: file.metadata)
    } catch let e as TensorFileError {
      throw OnboardingError.badPredictor(path: path, reason: e.description)
    } catch let e as PredictorError {
      throw OnboardingError.badPredictor(path: path, reason: e.description)
    }
    func bad(_ reason: String) -> OnboardingError { .badPredictor(path: path, reason: reason) }
    guard predictor.config.space == meta.space else {
      throw bad("model space \(predictor.config.space.rawValue) differs from metadata space \(meta.space.rawValue)")
    }
    guard predictor.config.hwDim == meta.referenceArchs.count else {
      throw bad("hardware embedding has \(predictor.config.hwDim) values but \(meta.referenceArchs.count) reference archs are listed")
    }
    guard zip(predictor.normaliser.embedding, meta.deviceEmbedding).allSatisfy({ $0 == Float($1) }) else {
      throw bad("tensor hw_embedding differs from metadata 'device_embedding'")
    }
    let n = predictor.normaliser
    struct Stated: Decodable { var a: Double; var b: Double; var recipe: String }
    let stated = try? JSONDecoder().decode(Stated.self, from: Data(meta.targetNormalisationJSON.utf8))
    // Within 1e-12 relative: Foundation's JSON number parsing is not always correctly rounded.
    func same(_ x: Double, _ y: Double) -> Bool { abs(x - y) <= 1e-12 * max(1, abs(x)) }
    guard let stated, same(stated.a, n.a), same(stated.b, n.b), stated.recipe == n.recipe.rawValue else {
      throw bad("metadata 'target_normalisation' \(meta.targetNormalisationJSON.prefix(120)) disagrees with "
                + "normalisation \(n.recipe.rawValue), norm_a \(n.a), norm_b \(n.b)")
    }
    return Loaded(predictor: predictor, metadata: meta, file: file, path: path)
  }
}
