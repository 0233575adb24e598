import AutoDiff
import SearchSpace

/// The shape of a HELP predictor network and its options.
public struct NetworkConfig: Sendable, Equatable {
  /// Search space (NB201 → GCN encoder, OFA → MLP encoder).
  public var space: SpaceKind
  /// NB201 only: the extra "live node" feature (effective, pruned cell) next to HELP's one-hot.
  public var liveFeature: Bool
  /// Hardware-embedding length (= number of reference architectures).
  public var hwDim: Int
  /// Width of the encoder and hardware branch (HELP: 100).
  public var hidden: Int = 100
  /// HELP's z-modulator (amortised inference network scaling fc3…fc5).
  public var zModulator: Bool
  /// z scale (HELP 0.01).
  public var zScale: Float = 0.01

  public init(space: SpaceKind, liveFeature: Bool, hwDim: Int, zModulator: Bool) {
    self.space = space
    self.liveFeature = liveFeature
    self.hwDim = hwDim
    self.zModulator = zModulator
  }

  /// Input width of the encoder.
  public var inputFeatures: Int { ArchEncoder(space: space, liveFeature: liveFeature).featureCount }

  /// Predictor parameter names and shapes, in order (encoder, hardware branch, head).
  public var predictorShapes: [(String, Int, Int)] {
    let h = hidden
    var s: [(String, Int, Int)] = []
    if space == .nb201 {
      s += [("gc1.weight", inputFeatures, h), ("gc1.bias", 1, h)]
      for l in 2...4 { s += [("gc\(l).weight", h, h), ("gc\(l).bias", 1, h)] }
    } else {
      s += [("fc1.weight", inputFeatures, h), ("fc1.bias", 1, h), ("fc2.weight", h, h), ("fc2.bias", 1, h)]
    }
    s += [("fc_hw1.weight", hwDim, h), ("fc_hw1.bias", 1, h), ("fc_hw2.weight", h, h), ("fc_hw2.bias", 1, h)]
    s += [("fc3.weight", 2 * h, 2 * h), ("fc3.bias", 1, 2 * h), ("fc4.weight", 2 * h, 2 * h), ("fc4.bias", 1, 2 * h),
          ("fc5.weight", 2 * h, 1), ("fc5.bias", 1, 1)]
    return s
  }

  /// z-modulator parameter shapes (empty without it): 10→10 ReLU → 2·(3·2h + 3).
  public var zShapes: [(String, Int, Int)] {
    guard zModulator else { return [] }
    let zd = 3 * 2 * hidden + 3
    return [("z.fc1.weight", hwDim, 10), ("z.fc1.bias", 1, 10), ("z.fc2.weight", 10, 2 * zd), ("z.fc2.bias", 1, 2 * zd)]
  }
}

/// A named list of parameter tensors (leaves while training; graph nodes inside the inner loop).
public typealias ParameterList = [Tensor]

/// HELP's predictor network as pure functions of an explicit parameter list (needed for Meta-SGD).
public struct PredictorNetwork {
  public let config: NetworkConfig

  public init(config: NetworkConfig) { self.config = config }

  /// Index of a predictor parameter by name.
  public func index(_ name: String) -> Int {
    config.predictorShapes.firstIndex { $0.0 == name } ?? -1
  }

  /// HELP/PyTorch initialisation: GCN weights U(±1/√out), biases too; Linear layers U(±1/√fan_in).
  public func initialParameters(seed: UInt64) -> (predictor: [Tensor], z: [Tensor]) {
    var rng = SplitMix64(seed: seed)
    func make(_ s: (String, Int, Int)) -> Tensor {
      let isGC = s.0.hasPrefix("gc")
      let fanIn = s.0.hasSuffix("bias") ? (config.predictorShapes.first { $0.0 == s.0.replacingOccurrences(of: "bias", with: "weight") }?.1 ?? 1) : s.1
      let bound: Float = isGC ? 1 / Float(s.2).squareRoot() : 1 / Float(fanIn).squareRoot()
      return Tensor(rows: s.1, cols: s.2, data: (0..<(s.1 * s.2)).map { _ in bound * rng.nextSignedUnitFloat() },
                    requiresGrad: true)
    }
    let p = config.predictorShapes.map(make)
    let z = config.zShapes.map { s -> Tensor in
      let fanIn = s.0.hasSuffix("bias") ? (s.0.hasPrefix("z.fc1") ? config.hwDim : 10) : s.1
      let bound = 1 / Float(fanIn).squareRoot()
      return Tensor(rows: s.1, cols: s.2, data: (0..<(s.1 * s.2)).map { _ in bound * rng.nextSignedUnitFloat() },
                    requiresGrad: true)
    }
    return (p, z)
  }

  /// Predicted normalised latency, `n × 1`, for the encoded batch on hardware embedding `hw` (1 × hwDim).
  public func forward(_ p: [Tensor], _ x: EncodedArchs, hw: Tensor) -> Tensor {
    var h: Tensor
    if config.space == .nb201, let adj = x.adjacency {
      h = x.features
      let adjT = adj.transposed
      for l in 0..<4 { h = relu(addBias(blockMatmul(adj, matmul(h, p[2 * l]), adjT: adjT), p[2 * l + 1])) }
      h = selectRows(h, (0..<x.count).map { $0 * ArchEncoder.nodes + ArchEncoder.nodes - 1 })
    } else {
      h = relu(addBias(matmul(x.features, p[0]), p[1]))
      h = relu(addBias(matmul(h, p[2]), p[3]))
    }
    let k = config.space == .nb201 ? 8 : 4
    var e = relu(addBias(matmul(hw, p[k]), p[k + 1]))
    e = relu(addBias(matmul(e, p[k + 2]), p[k + 3]))
    var y = concatCols(h, broadcastRows(e, x.count))
    y = relu(addBias(matmul(y, p[k + 4]), p[k + 5]))
    y = relu(addBias(matmul(y, p[k + 6]), p[k + 7]))
    return addBias(matmul(y, p[k + 8]), p[k + 9])
  }

  /// HELP's z-modulator: q(z|hw) = N(μ, softplus(ρ)²). Returns the modulated predictor parameters and
  /// KL(q‖N(0, I)). `noise` nil = deterministic (z = μ).
  public func modulate(_ p: [Tensor], z zp: [Tensor], hw: Tensor, noise: [Float]?) -> ([Tensor], Tensor) {
    let zd = 3 * 2 * config.hidden + 3
    let out = addBias(matmul(relu(addBias(matmul(hw, zp[0]), zp[1])), zp[2]), zp[3])
    let mu = sliceCols(out, 0, zd)
    let sigma = affine(softplus(sliceCols(out, zd, zd)), scale: 1, shift: 1e-6)
    var z = mu
    if let noise { z = mu + sigma * Tensor(rows: 1, cols: zd, data: noise) }
    let kl = sum(affine((sigma * sigma) + (mu * mu), scale: 0.5, shift: -0.5) - log(sigma))
    var q = p
    let k = config.space == .nb201 ? 8 : 4
    let w = 2 * config.hidden
    for l in 0..<3 {
      let wi = k + 4 + 2 * l
      let col = affine(transpose(sliceCols(z, l * w, w)), scale: config.zScale, shift: 1)  // w × 1
      q[wi] = p[wi] * broadcastCols(col, p[wi].cols)
      let shift = sliceCols(z, 3 * w + l, 1) * config.zScale  // 1 × 1
      q[wi + 1] = p[wi + 1] + broadcastCols(shift, p[wi + 1].cols)
    }
    return (q, kl)
  }
}
