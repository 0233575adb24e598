import AutoDiff
import Foundation
import SearchSpace

/// A predictor adapted to one device: fixed parameters (z-modulation folded in), its hardware embedding and
/// normalisation constants. Deterministic; see Sources/Predictor/MODEL.md for the exact forward pass.
public struct AdaptedPredictor {
  public let config: NetworkConfig
  /// Parameters of each ensemble member, each in `config.predictorShapes` order.
  public let members: [[[Float]]]
  /// Parameters of the first member.
  public var parameters: [[Float]] { members[0] }
  public let normaliser: DeviceNormaliser
  /// Extra metadata carried into the portable file (provenance: meta-predictor name, support size, seed).
  public var info: [String: String]
  /// Issue #13 guard rails, each optional in the file (older files have none):
  /// the plausible range every prediction is clamped to (metadata `clamp_ln_ms_lo` / `clamp_ln_ms_hi`),
  public var plausibleRange: PlausibleRange?
  /// the ridge baseline's ln-ms prediction for every NB201 arch by index (tensor `ridge_ln_ms`, 1 × 15,625),
  public var ridgeLnMs: [Float]?
  /// and the meta-predictor's blend weight against it (metadata `blend_meta_weight`; 1 = meta only):
  /// ln ms = w · ln(meta) + (1 − w) · ridge_ln_ms[index].
  public var metaWeight: Double = 1

  public init(config: NetworkConfig, parameters: [[Float]], normaliser: DeviceNormaliser, metadata: [String: String]) {
    self.init(config: config, members: [parameters], normaliser: normaliser, metadata: metadata)
  }

  /// An ensemble: predictions average the members' normalised outputs before de-normalisation.
  public init(config: NetworkConfig, members: [[[Float]]], normaliser: DeviceNormaliser, metadata: [String: String]) {
    precondition(!members.isEmpty, "AdaptedPredictor needs at least one member")
    self.config = config
    self.members = members
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
    let hw = Tensor(rows: 1, cols: normaliser.embedding.count, data: normaliser.embedding)
    var sum = [Float](repeating: 0, count: archs.count)
    for m in members {
      let p = zip(config.predictorShapes, m).map { Tensor(rows: $0.1, cols: $0.2, data: $1) }
      var start = 0
      while start < archs.count {
        let part = Array(archs[start..<min(start + chunk, archs.count)])
        let x = try enc.encode(part)
        let y = withoutRecording { net.forward(p, x, hw: hw) }
        for (i, v) in y.data.enumerated() { sum[start + i] += v }
        start += chunk
      }
    }
    return sum.map { $0 / Float(members.count) }
  }

  /// Architectures per forward batch of `predictMs`: small enough for the activations (≈ 2 MB) to stay in cache
  /// and be reused from batch to batch (with `csys_keep_heap`, `helpprof predict --all` 0.18 -> 0.155 s; 1,024 to
  /// 4,096 measured alike), large enough for the GEMMs and the GCN's row de-duplication.
  static let batch = 2048

  /// Predicted latency in milliseconds: the meta-predictor, blended with the stored ridge predictions and clamped
  /// to the plausible range when the file has them. Never NaN/inf when a range is stored.
  public func predictMs(_ archs: [ArchKey]) throws -> [Double] { try predictMsCounted(archs).ms }

  /// `predictMs` and how many predictions were clamped to the plausible range (NaN counted too).
  public func predictMsCounted(_ archs: [ArchKey]) throws -> (ms: [Double], clamped: Int) {
    let meta = try predictMetaMs(archs)
    guard plausibleRange != nil || (ridgeLnMs != nil && metaWeight < 1) else { return (meta, 0) }
    var ln = meta.map { $0 > 0 ? Foundation.log($0) : ($0.isNaN ? Double.nan : -Double.infinity) }
    if let ridge = ridgeLnMs, metaWeight < 1 {
      for (i, a) in archs.enumerated() {
        guard case .nb201(let c) = a else { throw PredictorError("the ridge blend of this predictor covers NB201 archs only") }
        let k = NB201Index.index(of: c)
        guard k >= 0, k < ridge.count else { throw PredictorError("NB201 index \(k) outside ridge_ln_ms (\(ridge.count) values)") }
        ln[i] = metaWeight == 0 ? Double(ridge[k]) : metaWeight * ln[i] + (1 - metaWeight) * Double(ridge[k])
      }
    }
    guard let r = plausibleRange else { return (ln.map { Foundation.exp($0) }, 0) }
    return r.clampLn(ln)
  }

  /// The adapted meta-predictor alone (no blend, no clamp), in ms.
  public func predictMetaMs(_ archs: [ArchKey]) throws -> [Double] {
    var sum = [Float](repeating: 0, count: archs.count)
    for m in members {
      let fast = FastForward(config: config, p: m, hw: normaliser.embedding)
      var start = 0
      while start < archs.count {
        let part = Array(archs[start..<min(start + Self.batch, archs.count)])
        for (i, v) in try fast.run(part).enumerated() { sum[start + i] += v }
        start += Self.batch
      }
    }
    let n = Float(members.count)
    return sum.map { normaliser.denormalise($0 / n) }
  }

  /// Portable file content: predictor tensors by name, `hw_embedding` (1 × refs), and metadata keys
  /// kind, space, live_feature, hidden, normalisation, norm_a, norm_b (+ `metadata`).
  public var stored: StoredTensors {
    var t: [String: (shape: [Int], data: [Float])] = [:]
    for (k, m) in members.enumerated() {
      for (s, v) in zip(config.predictorShapes, m) { t[(k == 0 ? "" : "member\(k).") + s.0] = ([s.1, s.2], v) }
    }
    t["hw_embedding"] = ([1, normaliser.embedding.count], normaliser.embedding)
    var md = info
    md["kind"] = "helpprof-adapted-predictor"
    md["space"] = config.space.rawValue
    md["live_feature"] = String(config.liveFeature)
    md["hidden"] = String(config.hidden)
    md["normalisation"] = normaliser.recipe.rawValue
    md["norm_a"] = String(normaliser.a)
    md["norm_b"] = String(normaliser.b)
    md["members"] = String(members.count)
    if let r = plausibleRange {
      md["clamp_ln_ms_lo"] = String(r.lnLo)
      md["clamp_ln_ms_hi"] = String(r.lnHi)
    }
    if let ridge = ridgeLnMs {
      t["ridge_ln_ms"] = ([1, ridge.count], ridge)
      md["blend_meta_weight"] = String(metaWeight)
    }
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
    guard let count = Int(md["members"] ?? "1"), count >= 1 else {
      throw PredictorError("adapted predictor: metadata members '\(md["members"] ?? "")' is not a positive integer")
    }
    var members: [[[Float]]] = []
    for k in 0..<count {
      var params: [[Float]] = []
      for s in config.predictorShapes {
        let name = (k == 0 ? "" : "member\(k).") + s.0
        guard let t = tensors[name], t.data.count == s.1 * s.2 else {
          throw PredictorError("adapted predictor: tensor '\(name)' missing or not \(s.1)x\(s.2)")
        }
        params.append(t.data)
      }
      members.append(params)
    }
    self.init(config: config, members: members,
              normaliser: DeviceNormaliser(recipe: recipe, a: a, b: b, embedding: hw.data), metadata: md)
    if let lo = md["clamp_ln_ms_lo"], let hi = md["clamp_ln_ms_hi"] {
      guard let l = Double(lo), let h = Double(hi), l.isFinite, h.isFinite, l <= h else {
        throw PredictorError("adapted predictor: clamp_ln_ms_lo/hi '\(lo)'/'\(hi)' are not finite numbers with lo ≤ hi")
      }
      plausibleRange = PlausibleRange(lnLo: l, lnHi: h)
    }
    if let r = tensors["ridge_ln_ms"] {
      guard r.data.count == NB201Index.count, space == .nb201 else {
        throw PredictorError("adapted predictor: tensor ridge_ln_ms has \(r.data.count) values, expected \(NB201Index.count) (NB201)")
      }
      guard let w = Double(md["blend_meta_weight"] ?? ""), (0...1).contains(w) else {
        throw PredictorError("adapted predictor: metadata blend_meta_weight '\(md["blend_meta_weight"] ?? "")' is not a number in 0...1")
      }
      ridgeLnMs = r.data
      metaWeight = w
    }
  }
}
