import AutoDiff
import Foundation
import SearchSpace

/// A meta-trained HELP predictor: initial parameters, Meta-SGD learning rates, z-modulator, the reference
/// architectures whose latencies form the hardware embedding, and how targets are normalised.
///
/// Typical use: `let m = try MetaPredictor.loadBundled(space: .nb201)`, measure `m.referenceArchs` (+ a few
/// shots) on the device, then `try m.adapt(measurements: ...).predictMs(archs)`.
public final class MetaPredictor {
  public let config: NetworkConfig
  public let recipe: NormalisationRecipe
  /// Reference architectures in embedding order, and their dataset indices (NB201: official index).
  public let referenceArchs: [ArchKey]
  public let referenceIndices: [Int]
  /// Meta-SGD inner steps used at adaptation.
  public let innerSteps: Int
  /// Fine-tuning steps of models meta-trained without meta-learning (`adaptation` = adam-finetune).
  public static let fineTuneSteps = 50
  /// Every `__metadata__` entry (provenance, hyperparameters, ...).
  public let metadata: [String: String]
  let state: MetaState

  /// Tensor names in the file: predictor parameters as named in `NetworkConfig.predictorShapes`, the Meta-SGD
  /// rates as `lr.<name>`, the z-modulator as `z.fc1.weight` ….
  init(config: NetworkConfig, recipe: NormalisationRecipe, referenceArchs: [ArchKey], referenceIndices: [Int],
       innerSteps: Int, metadata: [String: String], state: MetaState) {
    self.config = config
    self.recipe = recipe
    self.referenceArchs = referenceArchs
    self.referenceIndices = referenceIndices
    self.innerSteps = innerSteps
    self.metadata = metadata
    self.state = state
  }

  /// Loads the meta-predictor shipped with helpprof for `space`.
  public static func loadBundled(space: SpaceKind) throws -> MetaPredictor {
    let name = "\(space.rawValue)-meta"
    guard let url = Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Resources")
            ?? Bundle.module.url(forResource: name, withExtension: "safetensors") else {
      throw PredictorError("no bundled meta-predictor \(name).safetensors in the Predictor resources")
    }
    return try load(path: url.path)
  }

  /// Loads a meta-predictor file written by `save(to:)` / `helpprof meta-train`.
  public static func load(path: String) throws -> MetaPredictor {
    try MetaPredictor(stored: StoredTensors.read(path: path), origin: path)
  }

  /// Rebuilds from tensors + metadata.
  public convenience init(stored: StoredTensors, origin: String = "meta-predictor") throws {
    let md = stored.metadata
    func need(_ k: String) throws -> String {
      guard let v = md[k] else { throw PredictorError("\(origin): metadata key '\(k)' missing") }
      return v
    }
    guard md["kind"] == "helpprof-meta-predictor" else {
      throw PredictorError("\(origin): metadata kind is '\(md["kind"] ?? "none")', expected helpprof-meta-predictor")
    }
    guard let space = SpaceKind(rawValue: try need("space")) else { throw PredictorError("\(origin): bad space") }
    guard let recipe = NormalisationRecipe(rawValue: try need("normalisation")) else {
      throw PredictorError("\(origin): unknown normalisation '\(md["normalisation"] ?? "")'")
    }
    let refs = try need("reference_archs").split(separator: ",").map { s -> Int in
      guard let v = Int(s.trimmingCharacters(in: .whitespaces)) else { throw PredictorError("\(origin): bad reference index '\(s)'") }
      return v
    }
    let refTexts = try need("reference_arch_texts").split(separator: ";").map(String.init)
    guard refTexts.count == refs.count else { throw PredictorError("\(origin): reference texts/indices count mismatch") }
    let keys: [ArchKey] = try refTexts.map { t in
      space == .nb201 ? .nb201(try NB201Cell(archString: t)) : .ofa(try OFAConfig(text: t))
    }
    var config = NetworkConfig(space: space, liveFeature: md["live_feature"] == "true", hwDim: refs.count,
                               zModulator: md["z_modulator"] == "true")
    if let h = md["hidden"], let hv = Int(h) { config.hidden = hv }
    func tensor(_ name: String, _ r: Int, _ c: Int) throws -> Tensor {
      guard let t = stored.tensors[name] else { throw PredictorError("\(origin): tensor '\(name)' missing") }
      guard t.data.count == r * c else { throw PredictorError("\(origin): tensor '\(name)' has \(t.data.count) values, expected \(r)x\(c)") }
      return Tensor(rows: r, cols: c, data: t.data, requiresGrad: true)
    }
    let p = try config.predictorShapes.map { try tensor($0.0, $0.1, $0.2) }
    let lrs = try config.predictorShapes.map { try tensor("lr." + $0.0, $0.1, $0.2) }
    let z = try config.zShapes.map { try tensor($0.0, $0.1, $0.2) }
    self.init(config: config, recipe: recipe, referenceArchs: keys, referenceIndices: refs,
              innerSteps: Int(md["inner_steps"] ?? "2") ?? 2, metadata: md, state: MetaState(predictor: p, lrs: lrs, z: z))
  }

  /// The tensors + metadata to write.
  public var stored: StoredTensors {
    var t: [String: (shape: [Int], data: [Float])] = [:]
    for (s, v) in zip(config.predictorShapes, state.predictor) { t[s.0] = ([s.1, s.2], v.data) }
    for (s, v) in zip(config.predictorShapes, state.lrs) { t["lr." + s.0] = ([s.1, s.2], v.data) }
    for (s, v) in zip(config.zShapes, state.z) { t[s.0] = ([s.1, s.2], v.data) }
    return StoredTensors(tensors: t, metadata: metadata)
  }

  /// Writes the safetensors file.
  public func save(to path: String) throws { try stored.write(to: path) }

  /// Text form of an architecture (NB201 arch string, OFA config text) as stored in metadata.
  public static func text(_ a: ArchKey) -> String {
    switch a {
    case .nb201(let c): return c.archString
    case .ofa(let c): return c.text
    }
  }

  /// Whether two keys denote the same network for the predictor (OFA: same active blocks and resolution,
  /// whatever the values stored in inactive slots or the width tag).
  public static func sameArch(_ a: ArchKey, _ b: ArchKey) -> Bool {
    switch (a, b) {
    case (.nb201(let x), .nb201(let y)): return x == y
    case (.ofa(let x), .ofa(let y)): return OFAEncoding.help(x) == OFAEncoding.help(y)
    default: return false
    }
  }

  /// Adapts to a device from its measurements. They must include every reference architecture (the
  /// embedding); all measurements (references + shots) are the support of the Meta-SGD steps.
  /// The result is deterministic (z = μ, no sampling); `seed` is recorded only.
  public func adapt(measurements: [(arch: ArchKey, latencyMs: Double)], seed: UInt64 = 0,
                    steps: Int? = nil) throws -> AdaptedPredictor {
    guard recipe == .logRef else {
      throw PredictorError("this meta-predictor uses \(recipe.rawValue) normalisation, which needs pool constants; use adapt(measurements:normaliser:)")
    }
    var refMs: [Double] = []
    for r in referenceArchs {
      let v = measurements.filter { Self.sameArch($0.arch, r) }.map(\.latencyMs)
      guard !v.isEmpty else { throw PredictorError("reference architecture \(Self.text(r)) was not measured: adapt needs all \(referenceArchs.count) references") }
      refMs.append(v.reduce(0, +) / Double(v.count))
    }
    let norm = try DeviceNormaliser(recipe: .logRef, referenceMs: refMs)
    return try adapt(support: measurements, normaliser: norm, steps: steps, seed: seed)
  }

  /// Adapts with explicit normalisation constants (HELP protocol and evaluation).
  public func adapt(support: [(arch: ArchKey, latencyMs: Double)], normaliser norm: DeviceNormaliser,
                    steps: Int? = nil, seed: UInt64 = 0) throws -> AdaptedPredictor {
    for m in support where !(m.latencyMs > 0 && m.latencyMs.isFinite) {
      throw PredictorError("latency \(m.latencyMs) ms of \(Self.text(m.arch)) is not a positive finite number")
    }
    let enc = ArchEncoder(space: config.space, liveFeature: config.liveFeature)
    let x = try enc.encode(support.map(\.arch))
    let y = Tensor(rows: support.count, cols: 1, data: support.map { norm.normalise($0.latencyMs) })
    let hw = Tensor(rows: 1, cols: norm.embedding.count, data: norm.embedding)
    let net = PredictorNetwork(config: config)
    var params: [[Float]]
    if metadata["adaptation"] == "adam-finetune" {
      // Baseline without meta-learning: plain fine-tuning of all parameters (Adam, lr 1e-3).
      let p = state.predictor.map { $0.detached().asParameter() }
      let opt = Adam(parameters: p, learningRate: 1e-3)
      for _ in 0..<(steps ?? Self.fineTuneSteps) {
        opt.update(gradients: gradients(of: mse(net.forward(p, x, hw: hw), y), wrt: p, createGraph: false))
      }
      params = p.map { $0.data }
    } else {
      let (p, _) = InnerLoop(net: net)
        .adapt(state, support: x, y: y, hw: hw, noise: nil, steps: steps ?? innerSteps, createGraph: false)
      params = p.map { $0.data }
    }
    return AdaptedPredictor(config: config, parameters: params, normaliser: norm,
                            metadata: ["seed": String(seed), "support_size": String(support.count),
                                       "meta_predictor": metadata["name"] ?? "unknown"])
  }
}
