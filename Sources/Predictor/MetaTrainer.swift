import AutoDiff
import Foundation
import SearchSpace

/// Which target-device information the protocol may use (see `NormalisationRecipe`).
public enum EvaluationProtocol: String, Sendable, CaseIterable {
  /// Only the reference latencies (embedding) + the shots from the target device; log-latency targets.
  case honest
  /// HELP's published protocol: min–max constants from 720 target measurements, shots from the trimmed pool.
  case help

  /// The normalisation this protocol trains and adapts with.
  public var recipe: NormalisationRecipe { self == .honest ? .logRef : .helpMinMax }
}

/// Hyperparameters of meta-training (defaults = HELP's, except where the honest recipe says otherwise).
public struct MetaTrainingOptions: Sendable {
  public var protocolKind: EvaluationProtocol = .honest
  public var episodes = 2000
  public var metaBatch = 8
  /// Random shots per task besides the references (honest: support = references + shots).
  public var shots = 10
  public var queryCount = 200
  public var innerSteps = 2
  public var outerLearningRate: Float = 1e-4
  public var initialInnerLearningRate: Float = 1e-3
  public var firstOrder = false
  public var klWeight: Float = 0.1
  public var seed: UInt64 = 1
  /// Source devices (meta-train tasks).
  public var sources: [String] = []
  /// With extra (pool) sources: how many of `sources` (the last ones) are extra, and the share of each meta-batch
  /// drawn from them (nil: every source alike, as HELP does).
  public var extraSourceCount = 0
  public var extraShare: Double? = nil
  /// Share of meta-training tasks that are synthetic devices: the geometric interpolation
  /// `lat = lat_a^α · lat_b^(1−α)` (α ~ U(0, 1)) of the drawn source and another random source, on the archs both
  /// measured. 0 (default) = every task is a real source device, as in HELP.
  public var mixShare: Double = 0
  /// Reference architectures (dataset indices); their latencies form the hardware embedding.
  public var references: [Int] = []
  /// logRef σ prior (`DeviceNormaliser.flooredSigma`; 0 = legacy σ of the references alone). Stored in the model
  /// as metadata `norm_sigma_prior` and used again at adaptation.
  public var sigmaPrior: Double = 0
  public init() {}
}

/// The learnable state: predictor parameters, Meta-SGD per-parameter inner learning rates, z-modulator.
public struct MetaState {
  public var predictor: [Tensor]
  public var lrs: [Tensor]
  public var z: [Tensor]
  /// Everything the outer optimiser updates.
  public var all: [Tensor] { predictor + lrs + z }
}

/// One regression task: a device with its support and query sets (already normalised).
struct MetaTask {
  let hw: Tensor
  let support: EncodedArchs
  let supportY: Tensor
  let query: EncodedArchs
  let queryY: Tensor
}

/// Meta-SGD inner loop shared by training, evaluation and `MetaPredictor.adapt`.
struct InnerLoop {
  let net: PredictorNetwork

  /// Modulates (if configured) and takes `steps` Meta-SGD steps on the support.
  func adapt(_ s: MetaState, support: EncodedArchs, y: Tensor, hw: Tensor, noise: [Float]?, steps: Int,
             createGraph: Bool) -> (params: [Tensor], kl: Tensor?) {
    var p = s.predictor
    var kl: Tensor?
    if net.config.zModulator { (p, kl) = net.modulate(p, z: s.z, hw: hw, noise: noise) }
    for _ in 0..<steps {
      let loss = mse(net.forward(p, support, hw: hw), y)
      let g = gradients(of: loss, wrt: p, createGraph: createGraph)
      p = p.indices.map { p[$0] - s.lrs[$0] * g[$0] }
    }
    return (p, kl)
  }
}

/// Meta-trains a predictor over source devices of a `LatencyDataset`.
public final class MetaTrainer {
  public let data: LatencyDataset
  public let options: MetaTrainingOptions
  public let net: PredictorNetwork
  public private(set) var state: MetaState
  private var rng: SplitMix64
  private let encoder: ArchEncoder
  private var sourceLatency: [[Double]] = []
  private var pools: [[Int]] = []

  public init(data: LatencyDataset, config: NetworkConfig, options: MetaTrainingOptions) throws {
    guard !options.sources.isEmpty else { throw PredictorError("meta-training needs at least one source device") }
    guard options.references.count == config.hwDim else {
      throw PredictorError("\(options.references.count) reference archs for an embedding of \(config.hwDim)")
    }
    self.data = data
    self.options = options
    net = PredictorNetwork(config: config)
    encoder = ArchEncoder(space: config.space, liveFeature: config.liveFeature)
    let (p, z) = net.initialParameters(seed: options.seed)
    let lrs = p.map { Tensor.filled(options.initialInnerLearningRate, rows: $0.rows, cols: $0.cols).asParameter() }
    state = MetaState(predictor: p, lrs: lrs, z: z)
    rng = SplitMix64(seed: options.seed &* 0x9E37_79B9 &+ 17)
    let refSet = Set(options.references)
    for d in options.sources {
      let lat = try data.latencies(device: d)
      sourceLatency.append(lat)
      // Extra sources (ExtraSources) are NaN where not measured: tasks draw only from measured archs.
      for r in options.references where !(0..<data.archCount).contains(r) || lat[r].isNaN {
        throw PredictorError("source device \(d): reference arch \(r) not measured")
      }
      let pool: [Int]
      switch options.protocolKind {
      case .honest: pool = (0..<data.archCount).filter { !refSet.contains($0) && !lat[$0].isNaN }
      case .help:
        guard !data.trainPool.contains(where: { lat[$0].isNaN }) else {
          throw PredictorError("source device \(d): the help protocol needs every train-pool arch measured")
        }
        pool = LatencyDataset.trimmed(data.trainPool, latencies: lat)
      }
      guard pool.count > options.shots else {
        throw PredictorError("source device \(d): \(pool.count) measured archs besides the references, expected more than \(options.shots) shots")
      }
      pools.append(pool)
    }
  }

  /// Draws `k` distinct elements of `pool`.
  private func draw(_ pool: [Int], _ k: Int) -> [Int] {
    var chosen = Set<Int>()
    var out: [Int] = []
    while out.count < min(k, pool.count) {
      let v = pool[Int(rng.next() % UInt64(pool.count))]
      if chosen.insert(v).inserted { out.append(v) }
    }
    return out
  }

  /// A task of source `k`, or with `mix` = (partner, α) of the synthetic device between `k` and the partner.
  func makeTask(source k: Int, mix: (partner: Int, alpha: Double)? = nil) throws -> MetaTask {
    var lat = sourceLatency[k]
    var pool = pools[k]
    if let mix {
      let other = sourceLatency[mix.partner]
      lat = zip(lat, other).map { a, b in
        a.isNaN || b.isNaN ? .nan : Foundation.exp(mix.alpha * Foundation.log(a) + (1 - mix.alpha) * Foundation.log(b))
      }
      pool = pool.filter { !lat[$0].isNaN }
      guard pool.count > options.shots else { return try makeTask(source: k) }
    }
    let refsMs = options.references.map { lat[$0] }
    let norm: DeviceNormaliser
    var support: [Int]
    switch options.protocolKind {
    case .honest:
      norm = try DeviceNormaliser(recipe: .logRef, referenceMs: refsMs, sigmaPrior: options.sigmaPrior)
      support = options.references + draw(pool, options.shots)
    case .help:
      norm = try DeviceNormaliser(recipe: .helpMinMax, referenceMs: refsMs, pool: pool.map { lat[$0] })
      support = draw(pool, options.shots)
    }
    let sset = Set(support)
    var query: [Int] = []
    // A sparsely measured source may have fewer than queryCount archs left after the shots.
    let queryCount = min(options.queryCount, pool.filter { !sset.contains($0) }.count)
    while query.count < queryCount {
      let q = draw(pool, queryCount - query.count).filter { !sset.contains($0) && !query.contains($0) }
      query += q
    }
    func targets(_ idx: [Int]) -> Tensor {
      Tensor(rows: idx.count, cols: 1, data: idx.map { norm.normalise(lat[$0]) })
    }
    return MetaTask(hw: Tensor(rows: 1, cols: norm.embedding.count, data: norm.embedding),
                    support: try encoder.encode(support.map { data.archs[$0] }), supportY: targets(support),
                    query: try encoder.encode(query.map { data.archs[$0] }), queryY: targets(query))
  }

  private func gaussian(_ n: Int) -> [Float] {
    (0..<n).map { _ in
      let u1 = max(Double(rng.next() >> 11) / Double(1 << 53), 1e-12), u2 = Double(rng.next() >> 11) / Double(1 << 53)
      return Float((-2 * Foundation.log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
  }

  /// The sources of one episode: `metaBatch` distinct ones, uniformly, or with `extraShare` of them from the
  /// extra sources.
  func drawBatch() -> [Int] {
    func shuffled(_ r: Range<Int>) -> [Int] {
      var order = Array(r)
      for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
      return order
    }
    let n = options.sources.count
    guard let share = options.extraShare, options.extraSourceCount > 0 else {
      return Array(shuffled(0..<n).prefix(options.metaBatch))
    }
    let extra = min(options.extraSourceCount, n)
    let fromExtra = min(extra, Int((Double(options.metaBatch) * share).rounded()))
    let fromPublic = min(n - extra, options.metaBatch - fromExtra)
    return Array(shuffled(0..<(n - extra)).prefix(fromPublic)) + Array(shuffled((n - extra)..<n).prefix(fromExtra))
  }

  /// With probability `mixShare`: a random partner source (≠ k) and α ~ U(0, 1) for a synthetic task.
  func drawMix(for k: Int) -> (partner: Int, alpha: Double)? {
    let n = options.sources.count
    guard options.mixShare > 0, n > 1 else { return nil }
    guard Double(rng.next() >> 11) / Double(1 << 53) < options.mixShare else { return nil }
    var partner = Int(rng.next() % UInt64(n - 1))
    if partner >= k { partner += 1 }
    return (partner, Double(rng.next() >> 11) / Double(1 << 53))
  }

  /// Runs all episodes; `progress(episode, meanQueryLoss)` is called after each.
  public func train(progress: (Int, Float) -> Void) throws {
    let adam = Adam(parameters: state.all, learningRate: options.outerLearningRate)
    let inner = InnerLoop(net: net)
    let zd = 3 * 2 * net.config.hidden + 3
    for episode in 0..<options.episodes {
      let batch = drawBatch()
      var acc: [Tensor]? = nil
      var lossSum: Float = 0
      for k in batch {
        let task = try makeTask(source: k, mix: drawMix(for: k))
        let noise = net.config.zModulator ? gaussian(zd) : nil
        let (p, kl) = inner.adapt(state, support: task.support, y: task.supportY, hw: task.hw, noise: noise,
                                  steps: options.innerSteps, createGraph: !options.firstOrder)
        let qloss = mse(net.forward(p, task.query, hw: task.hw), task.queryY)
        lossSum += qloss.scalar
        var total = qloss * (1 / Float(batch.count))
        if let kl { total = total + kl * (options.klWeight / Float(batch.count)) }
        let g = gradients(of: total, wrt: state.all, createGraph: false)
        acc = acc.map { a in zip(a, g).map { $0 + $1 } } ?? g
      }
      if let acc { adam.update(gradients: acc) }
      progress(episode + 1, lossSum / Float(max(batch.count, 1)))
    }
  }
}

extension MetaTrainer {
  /// The trained meta-predictor with the given metadata (must name the references and normalisation).
  public func exportModel(metadata: [String: String]) throws -> MetaPredictor {
    let stored = MetaPredictor(config: net.config, recipe: options.protocolKind.recipe,
                               referenceArchs: options.references.map { data.archs[$0] },
                               referenceIndices: options.references, innerSteps: options.innerSteps,
                               metadata: metadata, states: [state]).stored
    return try MetaPredictor(stored: stored, origin: "trained model")
  }
}
