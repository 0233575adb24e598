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
  }

  /// Target measurements used per device (help: references + shots + the 720/3200 normalisation pool).
  public var measurementsPerDevice: Int {
    protocolKind == .honest ? budget : model.referenceIndices.count + shots + (data.trainPool.count * 8 / 10)
  }

  /// Metrics per method name ("predictor", "ridge", "macs") for one device and seed.
  public func evaluate(_ t: TargetDevice, seed: UInt64) throws -> [String: SeedMetrics] {
    guard t.latency.count == data.archCount else { throw PredictorError("device \(t.name): \(t.latency.count) latencies, expected \(data.archCount)") }
    var rng = SplitMix64(seed: seed &* 1_000_003 &+ 11)
    let refs = model.referenceIndices
    var refMs: [Double] = []
    for r in refs {
      guard r < data.archCount, let v = t.latency[r] else { throw PredictorError("device \(t.name): reference arch \(r) not measured") }
      refMs.append(v)
    }
    let measured = (0..<data.archCount).filter { t.latency[$0] != nil }
    let full = measured.count == data.archCount
    // Evaluation set: HELP's trimmed query pool when the device covers it, else every measured arch.
    let queryArchs = full ? LatencyDataset.trimmed(data.queryPool, latencies: t.latency.map { $0 ?? 0 }) : measured
    let querySet = Set(data.queryPool)
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
    switch protocolKind {
    case .honest:
      let refSet = Set(refs)
      let pool = measured.filter { !refSet.contains($0) && (!full || !querySet.contains($0)) }
      norm = try DeviceNormaliser(recipe: .logRef, referenceMs: refMs)
      let k = budget - refs.count
      switch shotStrategy {
      case .random: support = refs + draw(pool, k)
      case .macs:
        let m = try Self.macsOf(data.archs)
        support = refs + ShotStrategy.stratified(pool, score: { m[$0] }, count: k, next: { rng.next() })
      case .predicted:
        let zero = try model.adapt(support: zip(refs, refMs).map { (arch: data.archs[$0], latencyMs: $1) },
                                   normaliser: norm, steps: steps, seed: seed)
        let p = try zero.predictMs(pool.map { data.archs[$0] })
        var byArch: [Int: Double] = [:]
        for (a, v) in zip(pool, p) { byArch[a] = v }
        support = refs + ShotStrategy.stratified(pool, score: { byArch[$0] ?? 0 }, count: k, next: { rng.next() })
      }
    case .help:
      guard full else { throw PredictorError("the help protocol needs the device's full latency table") }
      let lat = t.latency.map { $0 ?? 0 }
      let pool = LatencyDataset.trimmed(data.trainPool, latencies: lat)
      support = draw(pool, shots)
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
    let sup = support.map { (arch: data.archs[$0], latencyMs: t.latency[$0] ?? 0) }
    let adapted = try model.adapt(support: sup, normaliser: norm, steps: steps, seed: seed)
    let pred = try adapted.predictMs(data.archs)
    score("predictor", pred)
    let fitIdx = Array(supportSet).sorted()
    let ridgeMs = try ridge(fit: fitIdx, target: fitIdx.map { t.latency[$0] ?? 1 }, exclude: t.name, needed: measured)
    score("ridge", ridgeMs)
    // Geometric mean of predictor and ridge (an ensemble that needs the source devices' tables).
    score("predictor+ridge", zip(pred, ridgeMs).map { ($0 * $1).squareRoot() })
    score("macs", try macs(fit: fitIdx, target: fitIdx.map { t.latency[$0] ?? 1 }))
    return out
  }

  /// Ridge regression (λ = 1) of log latency on the source devices' log latencies, fitted on the measured archs.
  /// Sources measured on only some architectures (the pool) take part only when they cover every one of `needed`
  /// (the target's measured archs); predictions elsewhere are then NaN-free only where they are measured.
  func ridge(fit: [Int], target: [Double], exclude: String, needed: [Int]) throws -> [Double] {
    let nd = data.devices.count
    let cols = try ridgeSources.filter { $0 != exclude }.map { try data.column($0) }
      .filter { c in needed.allSatisfy { data.latency[$0 * nd + c].isFinite } }
    func feat(_ a: Int) -> [Double] { cols.map { Foundation.log(Double(max(data.latency[a * nd + $0], 1e-6))) } }
    let X = fit.map(feat)
    let y = target.map { Foundation.log(max($0, 1e-9)) }
    let k = cols.count
    let mx = (0..<k).map { j in X.map { $0[j] }.reduce(0, +) / Double(X.count) }
    let my = y.reduce(0, +) / Double(y.count)
    var A = [[Double]](repeating: [Double](repeating: 0, count: k + 1), count: k)
    for j in 0..<k {
      for l in 0..<k { A[j][l] = zip(X, X).map { ($0[j] - mx[j]) * ($1[l] - mx[l]) }.reduce(0, +) }
      A[j][j] += 1
      A[j][k] = zip(X, y).map { ($0[j] - mx[j]) * ($1 - my) }.reduce(0, +)
    }
    let w = Self.solve(A)
    return (0..<data.archCount).map { a in
      let f = feat(a)
      return Foundation.exp(my + (0..<k).reduce(0) { $0 + w[$1] * (f[$1] - mx[$1]) })
    }
  }

  /// MACs proxy: ms = α·MACs + β fitted (least squares) on the measured archs; ranks are MACs ranks.
  func macs(fit: [Int], target: [Double]) throws -> [Double] {
    let m = try Self.macsOf(data.archs)
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
