import Foundation
#if canImport(TensorFile)
import TensorFile
#endif
#if canImport(SearchSpace)
import SearchSpace
#endif

/// The `__metadata__` of a predictor file (`device.helpp`), schema version 1. Every value is a string (the
/// safetensors rule); structured values are JSON text:
///
/// | key | value |
/// |---|---|
/// | `format` | `helpprof-predictor` |
/// | `format_version` | `2` (a reader refuses a newer version, and version 1, whose checksum left the metadata out) |
/// | `space` | `nb201` or `ofa` |
/// | `ofa_width` | OFA only: `1.0` or `1.2`, the supernet width of every reference and shot; predictions for another width are refused |
/// | `model` | JSON object: the meta-predictor's hyperparameters (architecture, sizes, encoding), as defined by Sources/Predictor/MODEL.md |
/// | `target_normalisation` | JSON object: how model outputs map to milliseconds (MODEL.md) |
/// | `reference_archs` | JSON array of `{"index": Int, "arch": String}`, embedding order |
/// | `reference_latency_ms` | JSON array of the measured reference medians (ms) |
/// | `device_embedding` | JSON array: the hardware embedding the model was adapted with (computed from the reference latencies as MODEL.md defines) |
/// | `host` | JSON object: `HostSummary` of the device |
/// | `provenance` | JSON object: `Provenance` (helpprof version, meta-predictor id, shots, seed, strategy, time) |
/// | `validation` | optional JSON object: `ValidationMetrics` of `--validate K` |
/// | `checksum` | `sha256:` + hex over the tensors and every other metadata entry (TensorFile.checksum) |
///
/// JSON values are limited to `maxJSONDepth` levels of nesting and `maxJSONBytes` bytes (both loaders).
public struct PredictorMetadata: Equatable, Sendable {
  public static let formatName = "helpprof-predictor"
  public static let currentVersion = 2
  /// Deepest nesting of a JSON metadata value (a deeper one is a hostile file, not a predictor).
  public static let maxJSONDepth = 32
  /// Largest JSON metadata value in bytes.
  public static let maxJSONBytes = 4 << 20

  public var space: SpaceKind
  /// OFA: the supernet width of the references and shots (derived from the first reference architecture when
  /// built in memory); nil for NB201.
  public var ofaWidth: OFAWidth?
  /// Raw JSON object text of the model hyperparameters.
  public var modelJSON: String
  /// Raw JSON object text of the target normalisation.
  public var targetNormalisationJSON: String
  public var referenceArchs: [ReferenceArch]
  public var referenceLatencyMs: [Double]
  public var deviceEmbedding: [Double]
  public var host: HostSummary
  public var provenance: Provenance
  public var validation: ValidationSummary?

  /// Where the predictor came from.
  public struct Provenance: Codable, Sendable, Equatable {
    public var helpprofVersion: String
    public var metaPredictorID: String
    public var shots: Int
    public var seed: UInt64
    /// How the shots were chosen, e.g. "stratified-by-macs" or "measurements-file".
    public var shotStrategy: String
    /// The shots: architecture and measured median latency.
    public var shotArchs: [ShotArch]
    /// Embed settings (kernels, threads, dataset, protocol) the latencies were measured with.
    public var settings: EmbedSettings
    public var createdAt: String
    /// Where the reference latencies come from: "remeasured-with-shots" (adapt measured them again, interleaved
    /// with the shots and validation archs) or "profile" (the embed profile's medians). Nil in older files.
    public var referenceSource: String?

    public init(helpprofVersion: String, metaPredictorID: String, shots: Int, seed: UInt64, shotStrategy: String,
                shotArchs: [ShotArch], settings: EmbedSettings, createdAt: String, referenceSource: String? = nil) {
      self.referenceSource = referenceSource
      self.helpprofVersion = helpprofVersion
      self.metaPredictorID = metaPredictorID
      self.shots = shots
      self.seed = seed
      self.shotStrategy = shotStrategy
      self.shotArchs = shotArchs
      self.settings = settings
      self.createdAt = createdAt
    }
  }

  /// One adaptation shot.
  public struct ShotArch: Codable, Sendable, Equatable {
    public var index: Int?
    public var arch: String
    public var latencyMs: Double
    public init(index: Int?, arch: String, latencyMs: Double) {
      self.index = index
      self.arch = arch
      self.latencyMs = latencyMs
    }
  }

  /// Validation result stored with the predictor.
  public struct ValidationSummary: Codable, Sendable, Equatable {
    public var metrics: ValidationMetrics
    public var seed: UInt64
    public init(metrics: ValidationMetrics, seed: UInt64) {
      self.metrics = metrics
      self.seed = seed
    }
  }

  public init(space: SpaceKind, modelJSON: String, targetNormalisationJSON: String, referenceArchs: [ReferenceArch],
              referenceLatencyMs: [Double], deviceEmbedding: [Double], host: HostSummary, provenance: Provenance,
              validation: ValidationSummary?) {
    self.space = space
    self.modelJSON = modelJSON
    self.targetNormalisationJSON = targetNormalisationJSON
    self.referenceArchs = referenceArchs
    self.referenceLatencyMs = referenceLatencyMs
    self.deviceEmbedding = deviceEmbedding
    self.host = host
    self.provenance = provenance
    self.validation = validation
    self.ofaWidth = space == .ofa ? referenceArchs.first.flatMap { try? OFAConfig(text: $0.arch).width } : nil
  }

  private static func json<T: Encodable>(_ v: T) throws -> String {
    let enc = JSONEncoder()
    enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try enc.encode(v), as: UTF8.self)
  }

  /// The metadata map (without `checksum`; `TensorFile.sealChecksum` adds it).
  public func encoded() throws -> [String: String] {
    var m: [String: String] = [
      "format": PredictorMetadata.formatName,
      "format_version": String(PredictorMetadata.currentVersion),
      "space": space.rawValue,
      "model": modelJSON,
      "target_normalisation": targetNormalisationJSON,
      "reference_archs": try PredictorMetadata.json(referenceArchs),
      "reference_latency_ms": try PredictorMetadata.json(referenceLatencyMs),
      "device_embedding": try PredictorMetadata.json(deviceEmbedding),
      "host": try PredictorMetadata.json(host),
      "provenance": try PredictorMetadata.json(provenance),
    ]
    if let validation { m["validation"] = try PredictorMetadata.json(validation) }
    if space == .ofa {
      guard let ofaWidth else { throw OnboardingError.invalidArgument("an OFA predictor needs the width of its references") }
      m["ofa_width"] = ofaWidth.rawValue
    }
    return m
  }

  /// Reads and verifies the metadata of a loaded predictor file: format name and version (newer → error),
  /// checksum, space (must equal `expectedSpace` when given), every JSON field, consistent reference lists.
  /// `source` names the file in errors.
  public init(file: TensorFile, source: String, expectedSpace: SpaceKind? = nil) throws {
    func bad(_ reason: String) -> OnboardingError { .badPredictor(path: source, reason: reason) }
    let version: Int
    do {
      version = try file.verifyFormat(name: PredictorMetadata.formatName, supportedVersion: PredictorMetadata.currentVersion)
    } catch TensorFileError.newerFormatVersion(let found, let supported) {
      throw OnboardingError.newerVersion(path: source, found: found, supported: supported)
    } catch let e as TensorFileError {
      throw bad(e.description)
    }
    guard version == PredictorMetadata.currentVersion else {
      throw bad("format version \(version) was written by an older helpprof whose checksum did not cover the "
                + "metadata: run `helpprof adapt` again to write version \(PredictorMetadata.currentVersion)")
    }
    do {
      try file.verifyChecksum()
    } catch let e as TensorFileError {
      throw bad(e.description)
    }
    let md = file.metadata
    func field(_ key: String) throws -> String {
      guard let v = md[key] else { throw bad("metadata key '\(key)' is missing") }
      return v
    }
    func limited(_ key: String) throws -> String {
      let text = try field(key)
      guard text.utf8.count <= PredictorMetadata.maxJSONBytes else {
        throw bad("metadata '\(key)' is \(text.utf8.count) bytes: expected at most \(PredictorMetadata.maxJSONBytes)")
      }
      guard PredictorMetadata.jsonDepth(text) <= PredictorMetadata.maxJSONDepth else {
        throw bad("metadata '\(key)' nests deeper than \(PredictorMetadata.maxJSONDepth) levels")
      }
      return text
    }
    func decode<T: Decodable>(_ type: T.Type, _ key: String) throws -> T {
      let text = try limited(key)
      do {
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
      } catch let e as DecodingError {
        throw bad("metadata '\(key)' is not valid: \(OnboardingError.describe(e))")
      }
    }
    func object(_ key: String) throws -> String {
      let text = try limited(key)
      guard (try? JSONSerialization.jsonObject(with: Data(text.utf8))) is [String: Any] else {
        throw bad("metadata '\(key)' is '\(text.prefix(60))': expected a JSON object")
      }
      return text
    }
    let spaceText = try field("space")
    guard let space = SpaceKind(rawValue: spaceText) else {
      throw bad("metadata 'space' is '\(spaceText.prefix(40))': expected nb201 or ofa")
    }
    if let expectedSpace, expectedSpace != space {
      throw OnboardingError.wrongSpace(path: source, found: space.rawValue, expected: expectedSpace.rawValue)
    }
    self.space = space
    switch (space, md["ofa_width"]) {
    case (.ofa, let w?):
      guard let width = OFAWidth(rawValue: w) else { throw bad("metadata 'ofa_width' is '\(w.prefix(20))': expected 1.0 or 1.2") }
      ofaWidth = width
    case (.ofa, nil): throw bad("metadata key 'ofa_width' is missing (an OFA predictor records its supernet width)")
    case (.nb201, nil): ofaWidth = nil
    case (.nb201, _?): throw bad("metadata 'ofa_width' is set in an nb201 predictor: expected it only for ofa")
    }
    modelJSON = try object("model")
    targetNormalisationJSON = try object("target_normalisation")
    referenceArchs = try decode([ReferenceArch].self, "reference_archs")
    referenceLatencyMs = try decode([Double].self, "reference_latency_ms")
    deviceEmbedding = try decode([Double].self, "device_embedding")
    host = try decode(HostSummary.self, "host")
    provenance = try decode(Provenance.self, "provenance")
    validation = md["validation"] == nil ? nil : try decode(ValidationSummary.self, "validation")
    let n = referenceArchs.count
    guard n >= 1 else { throw bad("metadata 'reference_archs' is empty") }
    guard referenceLatencyMs.count == n, deviceEmbedding.count == n else {
      throw bad("\(n) reference archs but \(referenceLatencyMs.count) reference latencies and "
                + "\(deviceEmbedding.count) embedding values: expected one each")
    }
    guard referenceLatencyMs.allSatisfy({ $0.isFinite && $0 > 0 }) else {
      throw bad("metadata 'reference_latency_ms' holds a value that is not a positive number of ms")
    }
    guard deviceEmbedding.allSatisfy({ $0.isFinite }) else {
      throw bad("metadata 'device_embedding' holds a value that is not a finite number")
    }
    guard provenance.shots == provenance.shotArchs.count, provenance.shots >= 0 else {
      throw bad("provenance says \(provenance.shots) shots but lists \(provenance.shotArchs.count)")
    }
    if let width = ofaWidth {
      for r in referenceArchs {
        guard let c = try? OFAConfig(text: r.arch), c.width == width else {
          throw bad("reference architecture '\(r.arch.prefix(60))' is not an OFA config of width \(width.rawValue) (metadata 'ofa_width')")
        }
      }
    }
  }

  /// Deepest nesting of `[`/`{` in JSON text, outside string literals (a linear scan, no recursion).
  public static func jsonDepth(_ text: String) -> Int {
    var depth = 0, deepest = 0
    var inString = false, escaped = false
    for c in text.utf8 {
      if inString {
        if escaped { escaped = false } else if c == 0x5C { escaped = true } else if c == 0x22 { inString = false }
        continue
      }
      switch c {
      case 0x22: inString = true
      case 0x5B, 0x7B: depth += 1; deepest = max(deepest, depth)
      case 0x5D, 0x7D: depth -= 1
      default: break
      }
    }
    return deepest
  }
}
