import Foundation
import SearchSpace

/// Metrics of one method on one device for one seed.
public struct SeedMetrics: Sendable {
  public var spearman: Double, kendall: Double, mape: Double, within10: Double
  /// Spearman on the whole space minus the measured archs.
  public var spearmanAll: Double
}

/// One target device to evaluate: latencies by dataset arch index (nil = not measured).
public struct TargetDevice: Sendable {
  public let name: String
  public let latency: [Double?]
  public init(name: String, latency: [Double?]) {
    self.name = name
    self.latency = latency
  }
}

/// Runs the few-shot protocol on target devices: meta-predictor plus baselines (MACs rank, ridge on source
/// devices' latencies) on the same measurement draws.
public struct Evaluator {
  public let data: LatencyDataset
  public let model: MetaPredictor
  public let protocolKind: EvaluationProtocol
  /// Total target measurements (honest): references + (budget − references) random shots.
  public let budget: Int
  /// Random shots (help protocol).
  public let shots: Int
  /// Devices whose latencies the ridge baseline may use.
  public let ridgeSources: [String]
  /// Adaptation steps (nil = the model's own).
  public var steps: Int?
  /// How the honest protocol picks the shots besides the references.
  public var shotStrategy: ShotStrategy = .random

  public init(data: LatencyDataset, model: MetaPredictor, protocolKind: EvaluationProtocol, budget: Int, shots: Int,
              ridgeSources: [String]) throws {
    guard model.config.space == data.space else { throw PredictorError("model space \(model.config.space.rawValue) ≠ dataset \(data.space.rawValue)") }
    guard model.recipe == protocolKind.recipe else {
      throw PredictorError("the model was trained with \(model.recipe.rawValue) normalisation; the \(protocolKind.rawValue) protocol needs \(protocolKind.recipe.rawValue)")
    }
    if protocolKind == .honest && budget < model.referenceIndices.count {
      throw PredictorError("--budget \(budget) is below the \(model.referenceIndices.count) reference measurements the honest protocol needs")
    }
    self.data = data
    self.model = model
    self.protocolKind = protocolKind
    self.budget = budget
    self.shots = shots
    self.ridgeSources = ridgeSources
    archMACs = try Self.macsOf(data.archs)
    macsExtremes = (archMACs.min() ?? 0, archMACs.max() ?? 0)
  }

  /// MACs of every dataset arch, and their extremes (the plausible range's stretch).
  let archMACs: [Double]
  let macsExtremes: (min: Double, max: Double)

  /// Target measurements used per device (help: references + shots + the 720/3200 normalisation pool).
  public var measurementsPerDevice: Int {
    protocolKind == .honest ? budget : model.referenceIndices.count + shots + (data.trainPool.count * 8 / 10)
  }

  /// Reference archs treated as not measured on every target (issue #13: the missing-reference study); they are
  /// imputed like references the device's table lacks.
  public var missingReferences: Set<Int> = []

  /// Archs measured first on every target in place of the model's references (issue #13: another spanning
  /// reference set, embedded through the bundled model): they count in the budget, and every model reference not
  /// among them is imputed from them and the shots like a missing one. Empty = the model's own references.
  public var measuredInstead: [Int] = []

  /// Also score every `BlendRule` (NB201) as method `final:<rule>` on the same LOO predictions (validation of the
  /// final rule; `helpprof evaluate --compare-blend-rules`).
  public var compareBlendRules = false

  /// Metrics per method name ("predictor", "ridge", "final", "predictor+ridge", "macs") for one device and seed.
  public func evaluate(_ t: TargetDevice, seed: UInt64) throws -> [String: SeedMetrics] {
    try evaluateDetailed(t, seed: seed).metrics
  }

  /// One device and seed: metrics per method and what adaptation chose.
  public struct Outcome: Sendable {
    public var metrics: [String: SeedMetrics]
    /// Blend weight of the meta-predictor chosen by LOO on the support (`BlendSelector`); 1 = meta only.
    public var metaWeight: Double
    /// Predictions of the meta-predictor / the final method clamped to the plausible range (query + rest).
    public var clampedMeta: Int, clampedFinal: Int
    /// Reference archs imputed (not measured), dataset indices.
    public var imputed: [Int]
    /// The final blend's ridge has the arch features (`SourceRidge.nb201ArchFeatures`).
    public var ridgeWithArchFeatures = false
  }

  /// Runs the protocol on one device and seed. Honest protocol: references the device lacks (or
  /// `missingReferences`) are imputed by ridge through the source devices from the measured support, and the
  /// budget's measurements go to shots instead; the meta-predictor is adapted on measured points only.
  public func evaluateDetailed(_ t: TargetDevice, seed: UInt64) throws -> Outcome {
    guard t.latency.count == data.archCount else { throw PredictorError("device \(t.name): \(t.latency.count) latencies, expected \(data.archCount)") }
    var rng = SplitMix64(seed: seed &* 1_000_003 &+ 11)
    let refs = model.referenceIndices
    for r in refs where !(0..<data.archCount).contains(r) { throw PredictorError("reference arch \(r) is not in the dataset") }
    for a in measuredInstead where !(0..<data.archCount).contains(a) || t.latency[a] == nil {
      throw PredictorError("device \(t.name): arch \(a) of the measured reference set is not measured")
    }
    let instead = Set(measuredInstead)
    let hidden = measuredInstead.isEmpty ? missingReferences : missingReferences.union(refs.filter { !instead.contains($0) })
    let latency: [Double?] = t.latency.indices.map { hidden.contains($0) && refs.contains($0) ? nil : t.latency[$0] }
    let missing = refs.filter { latency[$0] == nil }
    let measuredRefs = refs.filter { latency[$0] != nil }
    let measured = (0..<data.archCount).filter { latency[$0] != nil }
    let full = t.latency.allSatisfy { $0 != nil }
    // Evaluation set: HELP's trimmed query pool when the device covers it, else every measured arch.
    let queryArchs = full ? LatencyDataset.trimmed(data.queryPool, latencies: t.latency.map { $0 ?? 0 }) : measured
    let querySet = Set(data.queryPool)
    let sources = ridgeSources.filter { $0 != t.name }
    let ridgeModel = try SourceRidge(data: data, sources: sources, needed: measured + missing)
    let ridgeArch = try SourceRidge(data: data, sources: sources, needed: measured + missing, archFeatures: true)
    let norm: DeviceNormaliser
    var support: [Int]
    func draw(_ pool: [Int], _ k: Int) -> [Int] {
      var p = pool
      var out: [Int] = []
      while out.count < k && !p.isEmpty {
        let i = Int(rng.next() % UInt64(p.count))
        out.append(p[i]); p.swapAt(i, p.count - 1); p.removeLast()
      }
      return out
    }
    var refMs: [Double] = []
    switch protocolKind {
    case .honest:
      let refSet = Set(refs)
      let given = measuredInstead.filter { !refSet.contains($0) }
      let pool = measured.filter { !refSet.contains($0) && !instead.contains($0) && (!full || !querySet.contains($0)) }
      let k = budget - measuredRefs.count - given.count
      guard k >= 0 else { throw PredictorError("budget \(budget) is smaller than the \(measuredRefs.count + given.count) reference measurements") }
      // References first (the embedding), then the shots; missing references are imputed from what is measured.
      func withRefs(_ shots: [Int]) throws -> (support: [Int], refMs: [Double]) {
        let sup = measuredRefs + given + shots
        guard missing.isEmpty else {
          guard sup.count >= 3 else { throw PredictorError("device \(t.name): \(sup.count) measurements, at least 3 needed to impute \(missing.count) missing references") }
          let f = ridgeModel.fit(sup, ms: sup.map { latency[$0] ?? 1 })
          return (sup, refs.map { r in latency[r] ?? Foundation.exp(ridgeModel.predictLn(f, arch: r)) })
        }
        return (sup, refs.map { latency[$0] ?? 1 })
      }
      switch shotStrategy {
      case .random: (support, refMs) = try withRefs(draw(pool, k))
      case .macs:
        let m = archMACs
        (support, refMs) = try withRefs(ShotStrategy.stratified(pool, score: { m[$0] }, count: k, next: { rng.next() }))
      case .predicted:
        let (refSup, zeroRefMs) = try withRefs([])
        let zero = try model.adapt(support: refSup.map { (arch: data.archs[$0], latencyMs: latency[$0] ?? 1) },
                                   normaliser: try model.normaliser(referenceMs: zeroRefMs), steps: steps, seed: seed)
        let p = try zero.predictMetaMsUnchecked(pool.map { data.archs[$0] })
        var byArch: [Int: Double] = [:]
        for (a, v) in zip(pool, p) { byArch[a] = v }
        (support, refMs) = try withRefs(ShotStrategy.stratified(pool, score: { byArch[$0] ?? 0 }, count: k, next: { rng.next() }))
      }
      norm = try model.normaliser(referenceMs: refMs)
    case .help:
      guard full, missing.isEmpty else { throw PredictorError("the help protocol needs the device's full latency table") }
      let lat = t.latency.map { $0 ?? 0 }
      let pool = LatencyDataset.trimmed(data.trainPool, latencies: lat)
      support = draw(pool, shots)
      refMs = refs.map { lat[$0] }
      norm = try DeviceNormaliser(recipe: .helpMinMax, referenceMs: refMs, pool: pool.map { lat[$0] })
    }
    let supportSet = Set(support).union(refs)
    let query = queryArchs.filter { !supportSet.contains($0) }
    let rest = measured.filter { !supportSet.contains($0) }
    let truthQ = query.map { t.latency[$0] ?? 0 }
    let truthAll = rest.map { t.latency[$0] ?? 0 }
    var out: [String: SeedMetrics] = [:]
    func score(_ name: String, _ predAll: [Double]) {
      let pq = query.map { predAll[$0] }
      out[name] = SeedMetrics(spearman: RankMetrics.spearman(pq, truthQ), kendall: RankMetrics.kendall(pq, truthQ),
                              mape: RankMetrics.mape(predicted: pq, measured: truthQ),
                              within10: RankMetrics.within10(predicted: pq, measured: truthQ),
                              spearmanAll: RankMetrics.spearman(rest.map { predAll[$0] }, truthAll))
    }
    let supMs = support.map { latency[$0] ?? 1 }
    let sup = zip(support, supMs).map { (arch: data.archs[$0], latencyMs: $1) }
    let range = try PlausibleRange(supportMs: supMs, supportMACs: support.map { archMACs[$0] }, spaceMACs: macsExtremes)
    let evaluated = query + rest
    func clampedCount(_ ln: [Double]) -> Int { range.clampLn(evaluated.map { ln[$0] }).clamped }
    let adapted = try model.adapt(support: sup, normaliser: norm, steps: steps, seed: seed)
    let metaLn = try adapted.predictMetaMsUnchecked(data.archs).map { $0 > 0 ? Foundation.log($0) : ($0.isNaN ? .nan : -.infinity) }
    let clampedMeta = clampedCount(metaLn)
    score("predictor", range.clampLn(metaLn).ms)
    let ridgeFit = ridgeModel.fit(support, ms: supMs)
    let ridgeLn = ridgeModel.predictLnAll(ridgeFit)
    score("ridge", ridgeLn.map { Foundation.exp($0) })
    // Geometric mean of predictor and ridge (an ensemble that needs the source devices' tables).
    score("predictor+ridge", range.clampLn(BlendSelector.blend(metaLn: metaLn, ridgeLn: ridgeLn, metaWeight: 0.5)).ms)
    // Final method: the blend weight chosen by leave-one-out over the support.
    let ridgeArchLn = ridgeArch.predictLnAll(ridgeArch.fit(support, ms: supMs))
    if data.space == .nb201 { score("ridge+arch", ridgeArchLn.map { Foundation.exp($0) }) }
    let candidates = data.space == .nb201 ? [ridgeModel, ridgeArch] : [ridgeModel]
    let loo = try leaveOneOut(support: support, supportMs: supMs, normaliser: norm, ridges: candidates, seed: seed)
    let choice = BlendSelector.chooseAmong(metaLn: loo.meta, ridgeLn: loo.ridges, truthLn: loo.truth)
    let finalLn = BlendSelector.blend(metaLn: metaLn, ridgeLn: choice.ridge == 1 ? ridgeArchLn : ridgeLn,
                                      metaWeight: choice.metaWeight)
    score("final", range.clampLn(finalLn).ms)
    if compareBlendRules && data.space == .nb201 {
      for rule in BlendRule.allCases {
        let w = rule.choose(metaLn: loo.meta, plainLn: loo.ridges[0], archLn: loo.ridges[1], truthLn: loo.truth)
        score("final:" + rule.rawValue, range.clampLn(w.blend(metaLn: metaLn, plainLn: ridgeLn, archLn: ridgeArchLn)).ms)
      }
      // Each ridge's λ by its own LOO on the support (ninth stop), then the product's rule.
      let grid = [0.01, 0.1, 1, 10]
      let byLOO = candidates.map { $0.lambdaByLOO(support, ms: supMs, grid: grid) }
      let lc = BlendSelector.chooseAmong(metaLn: loo.meta, ridgeLn: byLOO.map(\.loo), truthLn: loo.truth)
      let chosen = byLOO[lc.ridge].ridge
      score("final:loo-lambda", range.clampLn(BlendSelector.blend(
        metaLn: metaLn, ridgeLn: chosen.predictLnAll(chosen.fit(support, ms: supMs)), metaWeight: lc.metaWeight)).ms)
      // The product's rule on LOO predictions whose left-out references are re-imputed (eighth stop).
      if protocolKind == .honest {
        let free = try leaveOneOut(support: support, supportMs: supMs, normaliser: norm, ridges: candidates, seed: seed,
                                   reimpute: (refMs, ridgeModel))
        let c = BlendSelector.chooseAmong(metaLn: free.meta, ridgeLn: free.ridges, truthLn: free.truth)
        score("final:loo-reimputed", range.clampLn(BlendSelector.blend(
          metaLn: metaLn, ridgeLn: c.ridge == 1 ? ridgeArchLn : ridgeLn, metaWeight: c.metaWeight)).ms)
      }
    }
    score("macs", try macs(fit: support, target: supMs))
    return Outcome(metrics: out, metaWeight: choice.metaWeight, clampedMeta: clampedMeta,
                   clampedFinal: clampedCount(finalLn), imputed: missing, ridgeWithArchFeatures: choice.ridge == 1)
  }

  /// LOO over the support: the meta-predictor re-adapted without each point (embedding unchanged, or with a
  /// left-out reference re-imputed by `reimpute`'s ridge: `MetaPredictor.leaveOneOutLn`), each ridge
  /// candidate refitted without it; the left-out points' ln predictions and their true ln latencies.
  func leaveOneOut(support: [Int], supportMs: [Double], normaliser: DeviceNormaliser, ridges: [SourceRidge],
                   seed: UInt64, reimpute: (referenceMs: [Double], ridge: SourceRidge)? = nil) throws
    -> (meta: [Double], ridges: [[Double]], truth: [Double]) {
    let truth = supportMs.map { Foundation.log($0) }
    let ridgeLOO = ridges.map { $0.leaveOneOut(support, ms: supportMs) }
    let sup = zip(support, supportMs).map { (arch: data.archs[$0], latencyMs: $1) }
    var embedding = MetaPredictor.LOOEmbedding.unchanged
    if let r = reimpute {
      embedding = .reimputed(referenceMs: r.referenceMs, imputeMs: { i in
        var f = support, m = supportMs
        f.remove(at: i)
        m.remove(at: i)
        return Foundation.exp(r.ridge.predictLn(r.ridge.fit(f, ms: m), arch: support[i]))
      })
    }
    let metaLOO = try model.leaveOneOutLn(support: sup, normaliser: normaliser, embedding: embedding, steps: steps,
                                          seed: seed)
    return (metaLOO, ridgeLOO, truth)
  }

  /// MACs proxy: ms = α·MACs + β fitted (least squares) on the measured archs; ranks are MACs ranks.
  func macs(fit: [Int], target: [Double]) throws -> [Double] {
    let m = archMACs
    let xs = fit.map { m[$0] }
    let mx = xs.reduce(0, +) / Double(xs.count), my = target.reduce(0, +) / Double(target.count)
    let sxx = xs.map { ($0 - mx) * ($0 - mx) }.reduce(0, +)
    let slope = sxx > 0 ? zip(xs, target).map { ($0 - mx) * ($1 - my) }.reduce(0, +) / sxx : 0
    // Keep the ranking of MACs even if the fitted slope is not positive.
    let s = slope > 0 ? slope : 1e-12
    return m.map { my + s * ($0 - mx) }
  }

  /// MACs of each architecture (NB201 on CIFAR-10).
  static func macsOf(_ archs: [ArchKey]) throws -> [Double] {
    try archs.map { a in
      switch a {
      case .nb201(let c): return Double(NB201Cost(cell: c, dataset: .cifar10).macs)
      case .ofa(let c): return Double(try OFACost(config: c).macs)
      }
    }
  }

  /// Gaussian elimination with partial pivoting on an augmented k × (k+1) matrix.
  static func solve(_ a: [[Double]]) -> [Double] {
    var m = a
    let k = m.count
    for c in 0..<k {
      let p = (c..<k).max { abs(m[$0][c]) < abs(m[$1][c]) } ?? c
      m.swapAt(c, p)
      guard abs(m[c][c]) > 1e-12 else { continue }
      for r in 0..<k where r != c {
        let f = m[r][c] / m[c][c]
        if f != 0 { for j in c...k { m[r][j] -= f * m[c][j] } }
      }
    }
    return (0..<k).map { abs(m[$0][$0]) > 1e-12 ? m[$0][k] / m[$0][$0] : 0 }
  }
}
