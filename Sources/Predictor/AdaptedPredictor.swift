import AutoDiff
import Foundation
import SearchSpace

/// A predictor adapted to one device: fixed parameters (z-modulation folded in), its hardware embedding and
/// normalisation constants. Deterministic; see Sources/Predictor/MODEL.md for the exact forward pass.
public struct AdaptedPredictor {
  public let config: NetworkConfig
  /// Predictor parameters in `config.predictorShapes` order.
  public let parameters: [[Float]]
  public let normaliser: DeviceNormaliser
  /// Extra metadata carried into the portable file (provenance: meta-predictor name, support size, seed).
  public let info: [String: String]

  public init(config: NetworkConfig, parameters: [[Float]], normaliser: DeviceNormaliser, metadata: [String: String]) {
    self.config = config
    self.parameters = parameters
    self.normaliser = normaliser
    self.info = metadata
  }

  /// Full `__metadata__` of the portable file (see `stored`).
  public var metadata: [String: String] { stored.metadata }

  /// Writes the portable adapted-predictor file (safetensors).
  public func write(to path: String) throws { try stored.write(to: path) }

  /// Loads a portable adapted-predictor file.
  public static func load(path: String) throws -> AdaptedPredictor {
    let s = try StoredTensors.read(path: path)
    return try AdaptedPredictor(tensors: s.tensors, metadata: s.metadata)
  }

  /// Predicted normalised targets (before de-normalisation) through the differentiable graph (reference
  /// path; `predictMs` uses the equivalent `FastForward`), in chunks of `chunk` architectures.
  public func predictNormalised(_ archs: [ArchKey], chunk: Int = 4096) throws -> [Float] {
    let net = PredictorNetwork(config: config)
    let enc = ArchEncoder(space: config.space, liveFeature: config.liveFeature)
    let p = zip(config.predictorShapes, parameters).map { Tensor(rows: $0.1, cols: $0.2, data: $1) }
    let hw = Tensor(rows: 1, cols: normaliser.embedding.count, data: normaliser.embedding)
    var out: [Float] = []
    out.reserveCapacity(archs.count)
    var start = 0
    while start < archs.count {
      let part = Array(archs[start..<min(start + chunk, archs.count)])
      let x = try enc.encode(part)
      out += withoutRecording { net.forward(p, x, hw: hw) }.data
      start += chunk
    }
    return out
  }

  /// Predicted latency in milliseconds.
  public func predictMs(_ archs: [ArchKey]) throws -> [Double] {
    let fast = FastForward(config: config, p: parameters, hw: normaliser.embedding)
    var out: [Double] = []
    out.reserveCapacity(archs.count)
    var start = 0
    while start < archs.count {
      let part = Array(archs[start..<min(start + 16384, archs.count)])
      out += try fast.run(part).map { normaliser.denormalise($0) }
      start += 16384
    }
    return out
  }

  /// Portable file content: predictor tensors by name, `hw_embedding` (1 × refs), and metadata keys
  /// kind, space, live_feature, hidden, normalisation, norm_a, norm_b (+ `metadata`).
  public var stored: StoredTensors {
    var t: [String: (shape: [Int], data: [Float])] = [:]
    for (s, v) in zip(config.predictorShapes, parameters) { t[s.0] = ([s.1, s.2], v) }
    t["hw_embedding"] = ([1, normaliser.embedding.count], normaliser.embedding)
    var md = info
    md["kind"] = "helpprof-adapted-predictor"
    md["space"] = config.space.rawValue
    md["live_feature"] = String(config.liveFeature)
    md["hidden"] = String(config.hidden)
    md["normalisation"] = normaliser.recipe.rawValue
    md["norm_a"] = String(normaliser.a)
    md["norm_b"] = String(normaliser.b)
    return StoredTensors(tensors: t, metadata: md)
  }

  /// Tensors of the portable file (see `stored`).
  public var tensors: [String: (shape: [Int], data: [Float])] { stored.tensors }

  /// Loads from portable-file content.
  public init(tensors: [String: (shape: [Int], data: [Float])], metadata md: [String: String]) throws {
    guard md["kind"] == "helpprof-adapted-predictor" else {
      throw PredictorError("metadata kind is '\(md["kind"] ?? "none")', expected helpprof-adapted-predictor")
    }
    guard let space = SpaceKind(rawValue: md["space"] ?? ""),
          let recipe = NormalisationRecipe(rawValue: md["normalisation"] ?? ""),
          let a = Double(md["norm_a"] ?? ""), let b = Double(md["norm_b"] ?? ""),
          let hw = tensors["hw_embedding"] else {
      throw PredictorError("adapted predictor: metadata space/normalisation/norm_a/norm_b or tensor hw_embedding missing or invalid")
    }
    var config = NetworkConfig(space: space, liveFeature: md["live_feature"] == "true", hwDim: hw.data.count,
                               zModulator: false)
    if let h = Int(md["hidden"] ?? "") { config.hidden = h }
    var params: [[Float]] = []
    for s in config.predictorShapes {
      guard let t = tensors[s.0], t.data.count == s.1 * s.2 else {
        throw PredictorError("adapted predictor: tensor '\(s.0)' missing or not \(s.1)x\(s.2)")
      }
      params.append(t.data)
    }
    self.init(config: config, parameters: params,
              normaliser: DeviceNormaliser(recipe: recipe, a: a, b: b, embedding: hw.data), metadata: md)
  }
}
