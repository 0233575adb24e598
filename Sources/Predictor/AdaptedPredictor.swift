import AutoDiff
import CSys
import Foundation
import SearchSpace
import enum TensorFile.StrictNumber

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

  /// Keeps `predictMs`'s batch buffers on the heap for the rest of the process (glibc `mallopt` through
  /// `csys_keep_heap`, 256 MiB): the activations of a batch (MBs) would otherwise be mmapped and unmapped per batch,
  /// paying first-touch page faults each time; kept, later batches reuse the same pages. All 15,625 NB201 archs,
  /// whole process: 0.182 s -> 0.145 s (perf stat -r 10, pinned). A speed hint only, process-wide: call it once
  /// before many predictions (`helpprof predict` does); returns false where the allocator refused or lacks it.
  @discardableResult
  public static func keepBatchBuffersOnHeap() -> Bool { csys_keep_heap(256 << 20) == 1 }

  /// Architectures per forward batch of `predictMs`: small enough for the activations (≈ 2 MB) to stay in cache
  /// and be reused from batch to batch (with `csys_keep_heap`, `helpprof predict --all` 0.18 -> 0.155 s; 1,024 to
  /// 4,096 measured alike), large enough for the GEMMs and the GCN's row de-duplication.
  static let batch = 2048

  /// Predicted latency in milliseconds: the meta-predictor, blended with the stored ridge predictions and clamped
  /// to the plausible range when the file has them. Never NaN/inf when a range is stored.
  public func predictMs(_ archs: [ArchKey]) throws -> [Double] { try predictMsCounted(archs).ms }

  /// `predictMs` and how many predictions were clamped to the plausible range (NaN counted too).
  /// An overflowing meta-predictor (a narrow reference set) is clamped and counted when a range is stored, an
  /// error otherwise.
  public func predictMsCounted(_ archs: [ArchKey]) throws -> (ms: [Double], clamped: Int) {
    guard plausibleRange != nil else {
      let meta = try predictMetaMs(archs)
      guard ridgeLnMs != nil && metaWeight < 1 else { return (meta, 0) }
      return try blended(archs, meta)
    }
    return try blended(archs, predictMetaMsUnchecked(archs))
  }

  /// The blend with the ridge predictions (when stored) and the clamp (when a range is stored).
  private func blended(_ archs: [ArchKey], _ meta: [Double]) throws -> (ms: [Double], clamped: Int) {
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

  /// The adapted meta-predictor alone (no blend, no clamp), in ms; throws when a prediction is not a positive
  /// finite number.
  public func predictMetaMs(_ archs: [ArchKey]) throws -> [Double] {
    let ms = try predictMetaMsUnchecked(archs)
    if let bad = ms.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
      throw PredictorError("the predictor gives \(ms[bad]) ms for \(MetaPredictor.text(archs[bad])): its weights or "
                           + "normalisation constants are unusable (expected a positive finite latency)")
    }
    return ms
  }

  /// `predictMetaMs` without the check: inf/NaN/0 pass through (for callers that clamp and count them:
  /// `predictMsCounted` with a range, the evaluator, the leave-one-out blend choice).
  public func predictMetaMsUnchecked(_ archs: [ArchKey]) throws -> [Double] {
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

  /// The tensor layout of the portable file (Onboarding's `PredictorFile` writes and verifies the file):
  /// predictor tensors by name, `hw_embedding` (1 × refs), and metadata keys
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

  /// Loads from portable-file content. Everything that changes a prediction is checked: the strict number
  /// syntax of the constants (`StrictNumber`), finite normalisation constants that can be inverted (log-ref:
  /// σ > 0; min–max: hi > lo), exactly the declared tensors and shapes, and weights of plausible magnitude.
  public init(tensors: [String: (shape: [Int], data: [Float])], metadata md: [String: String]) throws {
    guard md["kind"] == "helpprof-adapted-predictor" else {
      throw PredictorError("metadata kind is '\(md["kind"]?.prefix(60) ?? "none")', expected helpprof-adapted-predictor")
    }
    func text(_ key: String) throws -> String {
      guard let v = md[key] else { throw PredictorError("adapted predictor: metadata key '\(key)' is missing") }
      return v
    }
    func number(_ key: String) throws -> Double {
      let t = try text(key)
      guard let v = StrictNumber.double(t), v.isFinite else {
        throw PredictorError("adapted predictor: metadata '\(key)' is '\(t.prefix(40))': expected a finite decimal number")
      }
      return v
    }
    func integer(_ key: String, _ range: ClosedRange<Int>) throws -> Int {
      let t = try text(key)
      guard let v = StrictNumber.int(t), range.contains(v) else {
        throw PredictorError("adapted predictor: metadata '\(key)' is '\(t.prefix(40))': expected an integer in \(range)")
      }
      return v
    }
    let spaceText = try text("space")
    guard let space = SpaceKind(rawValue: spaceText) else {
      throw PredictorError("adapted predictor: metadata 'space' is '\(spaceText.prefix(40))': expected nb201 or ofa")
    }
    let recipeText = try text("normalisation")
    guard let recipe = NormalisationRecipe(rawValue: recipeText) else {
      throw PredictorError("adapted predictor: metadata 'normalisation' is '\(recipeText.prefix(40))': expected "
                           + NormalisationRecipe.allCases.map(\.rawValue).joined(separator: " or "))
    }
    let a = try number("norm_a"), b = try number("norm_b")
    switch recipe {
    case .logRef:
      guard b > 0, abs(a) <= 100, b <= 100 else {
        throw PredictorError("adapted predictor: norm_a \(a), norm_b \(b) are not usable log-latency constants: "
                             + "expected |norm_a| <= 100 and 0 < norm_b <= 100")
      }
    case .helpMinMax:
      guard a > 0, b > a, b <= 1e9 else {
        throw PredictorError("adapted predictor: norm_a \(a), norm_b \(b) are not a latency range: expected 0 < norm_a < norm_b")
      }
    }
    let live = try text("live_feature")
    guard live == "true" || live == "false" else {
      throw PredictorError("adapted predictor: metadata 'live_feature' is '\(live.prefix(40))': expected true or false")
    }
    guard let hw = tensors["hw_embedding"], hw.shape.count == 2, hw.shape[0] == 1, (1...4096).contains(hw.shape[1]) else {
      throw PredictorError("adapted predictor: tensor hw_embedding is missing or not 1 x N (N = reference count)")
    }
    var config = NetworkConfig(space: space, liveFeature: live == "true", hwDim: hw.shape[1], zModulator: false)
    config.hidden = try integer("hidden", 1...4096)
    let count = md["members"] == nil ? 1 : try integer("members", 1...64)
    var layout: [String: [Int]] = ["hw_embedding": [1, config.hwDim]]
    for k in 0..<count {
      for s in config.predictorShapes { layout[(k == 0 ? "" : "member\(k).") + s.0] = [s.1, s.2] }
    }
    if space == .nb201, tensors["ridge_ln_ms"] != nil { layout["ridge_ln_ms"] = [1, NB201Index.count] }
    let stored = StoredTensors(tensors: tensors, metadata: md)
    try stored.verifyLayout(layout, origin: "adapted predictor")
    try stored.verifyMagnitudes(origin: "adapted predictor")
    var members: [[[Float]]] = []
    for k in 0..<count {
      members.append(try config.predictorShapes.map { s in
        let name = (k == 0 ? "" : "member\(k).") + s.0
        guard let t = tensors[name] else { throw PredictorError("adapted predictor: tensor '\(name)' missing") }
        return t.data
      })
    }
    self.init(config: config, members: members,
              normaliser: DeviceNormaliser(recipe: recipe, a: a, b: b, embedding: hw.data), metadata: md)
    if let lo = md["clamp_ln_ms_lo"], let hi = md["clamp_ln_ms_hi"] {
      guard let l = StrictNumber.double(lo), let h = StrictNumber.double(hi), l.isFinite, h.isFinite, l <= h else {
        throw PredictorError("adapted predictor: clamp_ln_ms_lo/hi '\(lo)'/'\(hi)' are not finite numbers with lo ≤ hi")
      }
      plausibleRange = PlausibleRange(lnLo: l, lnHi: h)
    }
    if let r = tensors["ridge_ln_ms"] {
      guard r.data.count == NB201Index.count, space == .nb201 else {
        throw PredictorError("adapted predictor: tensor ridge_ln_ms has \(r.data.count) values, expected \(NB201Index.count) (NB201)")
      }
      guard let w = StrictNumber.double(md["blend_meta_weight"] ?? ""), (0...1).contains(w) else {
        throw PredictorError("adapted predictor: metadata blend_meta_weight '\(md["blend_meta_weight"] ?? "")' is not a number in 0...1")
      }
      ridgeLnMs = r.data
      metaWeight = w
    }
  }
}
