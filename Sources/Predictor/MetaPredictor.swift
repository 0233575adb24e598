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
  /// Ensemble members (one for a single model); member 0 is stored under the plain tensor names, member k ≥ 1
  /// under `member<k>.<name>`, metadata `members` = count.
  let states: [MetaState]
  var state: MetaState { states[0] }

  /// Tensor names in the file: predictor parameters as named in `NetworkConfig.predictorShapes`, the Meta-SGD
  /// rates as `lr.<name>`, the z-modulator as `z.fc1.weight` ….
  init(config: NetworkConfig, recipe: NormalisationRecipe, referenceArchs: [ArchKey], referenceIndices: [Int],
       innerSteps: Int, metadata: [String: String], states: [MetaState]) {
    self.config = config
    self.recipe = recipe
    self.referenceArchs = referenceArchs
    self.referenceIndices = referenceIndices
    self.innerSteps = innerSteps
    self.metadata = metadata
    self.states = states
  }

  /// Default NB201 references of `meta-train` (honest recipe): tools/select_references.py's greedy set with the
  /// output-disconnected cell 13078 replaced by its closest connected stand-in 7663 (`--closest`); every one
  /// output-connected and measured in every pool CSV. The bundled model still uses 13078 (a model retrained with
  /// this set was worse, Sources/Predictor/RESULTS.md); a device lacking 13078 has it imputed.
  public static let defaultNB201References = [1462, 14418, 14314, 9550, 9574, 12172, 4002, 3138, 7663, 4939]

  /// Loads the meta-predictor shipped with helpprof for `space`.
  public static func loadBundled(space: SpaceKind) throws -> MetaPredictor {
    try load(path: try BundledResources.path(of: "\(space.rawValue)-meta.safetensors"))
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
    guard let members = Int(md["members"] ?? "1"), members >= 1, members <= 64 else {
      throw PredictorError("\(origin): metadata members '\(md["members"] ?? "")' is not an integer in 1...64")
    }
    // Exactly the tensors this configuration declares, with exactly their shapes (not just their counts).
    var layout: [String: [Int]] = [:]
    for k in 0..<members {
      let pre = k == 0 ? "" : "member\(k)."
      for s in config.predictorShapes { layout[pre + s.0] = [s.1, s.2]; layout[pre + "lr." + s.0] = [s.1, s.2] }
      for s in config.zShapes { layout[pre + s.0] = [s.1, s.2] }
    }
    try stored.verifyLayout(layout, origin: origin)
    func tensor(_ name: String, _ r: Int, _ c: Int) throws -> Tensor {
      guard let t = stored.tensors[name], t.shape == [r, c] else {
        throw PredictorError("\(origin): tensor '\(name)' missing or not \(r)x\(c)")
      }
      return Tensor(rows: r, cols: c, data: t.data, requiresGrad: true)
    }
    let states = try (0..<members).map { k -> MetaState in
      let pre = k == 0 ? "" : "member\(k)."
      let p = try config.predictorShapes.map { try tensor(pre + $0.0, $0.1, $0.2) }
      let lrs = try config.predictorShapes.map { try tensor(pre + "lr." + $0.0, $0.1, $0.2) }
      let z = try config.zShapes.map { try tensor(pre + $0.0, $0.1, $0.2) }
      return MetaState(predictor: p, lrs: lrs, z: z)
    }
    self.init(config: config, recipe: recipe, referenceArchs: keys, referenceIndices: refs,
              innerSteps: Int(md["inner_steps"] ?? "2") ?? 2, metadata: md, states: states)
  }

  /// The tensors + metadata to write.
  public var stored: StoredTensors {
    var t: [String: (shape: [Int], data: [Float])] = [:]
    for (k, st) in states.enumerated() {
      let pre = k == 0 ? "" : "member\(k)."
      for (s, v) in zip(config.predictorShapes, st.predictor) { t[pre + s.0] = ([s.1, s.2], v.data) }
      for (s, v) in zip(config.predictorShapes, st.lrs) { t[pre + "lr." + s.0] = ([s.1, s.2], v.data) }
      for (s, v) in zip(config.zShapes, st.z) { t[pre + s.0] = ([s.1, s.2], v.data) }
    }
    var md = metadata
    md["members"] = String(states.count)
    return StoredTensors(tensors: t, metadata: md)
  }

  /// An ensemble of meta-predictors trained alike (same space, network, references, normalisation); its
  /// adapted predictor averages the members' normalised outputs (log-latency for the honest recipe).
  public static func ensemble(_ models: [MetaPredictor], metadata: [String: String]) throws -> MetaPredictor {
    guard let first = models.first else { throw PredictorError("an ensemble needs at least one model") }
    for m in models.dropFirst() {
      guard m.config == first.config, m.recipe == first.recipe, m.referenceIndices == first.referenceIndices,
            m.innerSteps == first.innerSteps, m.metadata["adaptation"] == first.metadata["adaptation"] else {
        throw PredictorError("model \(m.metadata["name"] ?? "?") differs from \(first.metadata["name"] ?? "?") in network, references, normalisation or adaptation")
      }
    }
    return MetaPredictor(config: first.config, recipe: first.recipe, referenceArchs: first.referenceArchs,
                         referenceIndices: first.referenceIndices, innerSteps: first.innerSteps, metadata: metadata,
                         states: models.flatMap(\.states))
  }

  /// logRef σ prior from metadata `norm_sigma_prior` (0 when absent: models from before issue #13).
  public var sigmaPrior: Double {
    guard let v = Double(metadata["norm_sigma_prior"] ?? ""), v.isFinite, v > 0 else { return 0 }
    return v
  }

  /// The logRef normaliser of a device from its reference latencies (embedding order), with this model's σ prior.
  public func normaliser(referenceMs: [Double]) throws -> DeviceNormaliser {
    try DeviceNormaliser(recipe: .logRef, referenceMs: referenceMs, sigmaPrior: sigmaPrior)
  }

  /// Number of ensemble members.
  public var memberCount: Int { states.count }

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
    let norm = try normaliser(referenceMs: refMs)
    return try adapt(support: measurements, normaliser: norm, steps: steps, seed: seed)
  }

  /// Adapts with explicit normalisation constants (HELP protocol and evaluation). `steps` (≥ 0) defaults to the
  /// meta-trained `innerSteps` (adam-finetune models: `fineTuneSteps`); the count used is stored as metadata
  /// `adapt_steps` of the adapted predictor.
  public func adapt(support: [(arch: ArchKey, latencyMs: Double)], normaliser norm: DeviceNormaliser,
                    steps: Int? = nil, seed: UInt64 = 0) throws -> AdaptedPredictor {
    for m in support where !(m.latencyMs > 0 && m.latencyMs.isFinite) {
      throw PredictorError("latency \(m.latencyMs) ms of \(Self.text(m.arch)) is not a positive finite number")
    }
    let enc = ArchEncoder(space: config.space, liveFeature: config.liveFeature)
    let x = try enc.encode(support.map(\.arch))
    let y = Tensor(rows: support.count, cols: 1, data: support.map { norm.normalise($0.latencyMs) })
    let hw = Tensor(rows: 1, cols: norm.embedding.count, data: norm.embedding)
    if let steps, steps < 0 { throw PredictorError("adaptation steps \(steps): expected 0 or more") }
    let net = PredictorNetwork(config: config)
    let usedSteps = steps ?? (metadata["adaptation"] == "adam-finetune" ? Self.fineTuneSteps : innerSteps)
    let members = states.map { st -> [[Float]] in
      if metadata["adaptation"] == "adam-finetune" {
        // Baseline without meta-learning: plain fine-tuning of all parameters (Adam, lr 1e-3).
        let p = st.predictor.map { $0.detached().asParameter() }
        let opt = Adam(parameters: p, learningRate: 1e-3)
        for _ in 0..<usedSteps {
          opt.update(gradients: gradients(of: mse(net.forward(p, x, hw: hw), y), wrt: p, createGraph: false))
        }
        return p.map { $0.data }
      }
      let (p, _) = InnerLoop(net: net)
        .adapt(st, support: x, y: y, hw: hw, noise: nil, steps: usedSteps, createGraph: false)
      return p.map { $0.data }
    }
    guard members.allSatisfy({ $0.allSatisfy { $0.allSatisfy(\.isFinite) } }) else {
      throw PredictorError("adaptation diverged after \(usedSteps) steps (non-finite weights): use fewer steps (this model was meta-trained with \(innerSteps))")
    }
    return AdaptedPredictor(config: config, members: members, normaliser: norm,
                            metadata: ["seed": String(seed), "support_size": String(support.count),
                                       "adapt_steps": String(usedSteps),
                                       "meta_predictor": metadata["name"] ?? "unknown"])
  }
}
