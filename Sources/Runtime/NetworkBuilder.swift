import CKernels
import SearchSpace

/// A tensor value while planning: where it lives, its shape (per image; batch from the options), its graph name,
/// and whether this value owns its buffer exclusively (may be updated in place and released).
struct TensorRef {
  let pointer: UnsafeMutablePointer<Float>
  let c: Int
  let h: Int
  let w: Int
  let name: String
  let owned: Bool

  /// The same tensor as a borrowed reference: a skip edge's node shares its source's buffer, so no later op may
  /// write into it in place or release it while the source is still read (`owned` false).
  var borrowed: TensorRef { TensorRef(pointer: pointer, c: c, h: h, w: w, name: name, owned: false) }
}

/// Activation codes shared with the C kernels.
enum Activation: Int32 {
  case none = 0, relu = 1, hswish = 2, hsigmoid = 3

  /// ONNX op name applying this activation, nil for none.
  var onnxOp: String? {
    switch self {
    case .none: return nil
    case .relu: return "Relu"
    case .hswish: return "HardSwish"
    case .hsigmoid: return "HardSigmoid"
    }
  }
}

/// Plans a network: generates seeded weights, allocates every buffer in an arena (reusing released activation
/// buffers), picks the kernel per layer from the KernelConfig, and records the ONNX-style graph.
final class NetworkBuilder {
  let options: RuntimeOptions
  let arena = Arena()
  let workspace = Workspace()
  var rng: SplitMix64
  var layers: [Network.Layer] = []
  var graph = NetworkGraph()
  var macs = 0
  /// NB201 counts linear bias MACs (NB-flop); OFA does not (OFA-lut).
  var countLinearBiasMACs = false
  private var workspaceFloats = 0
  private var freeBuffers: [(pointer: UnsafeMutablePointer<Float>, capacity: Int)] = []
  private var capacities: [UnsafeMutablePointer<Float>: Int] = [:]
  private var counter = 0
  private var inputTensor: TensorRef?

  var batch: Int { options.batch }

  init(options: RuntimeOptions) throws {
    try options.validate()
    self.options = options
    self.rng = SplitMix64(seed: options.seed)
  }

  // MARK: buffers and names

  func uniqueName(_ prefix: String) -> String {
    counter += 1
    return "\(prefix)_\(counter)"
  }

  /// A fresh activation tensor (reuses a released buffer when one is big enough).
  func newTensor(c: Int, h: Int, w: Int, name: String) -> TensorRef {
    let count = batch * c * h * w
    var best: Int? = nil
    for (i, b) in freeBuffers.enumerated() where b.capacity >= count {
      if let j = best, freeBuffers[j].capacity <= b.capacity { continue }
      best = i
    }
    let pointer: UnsafeMutablePointer<Float>
    if let i = best {
      pointer = freeBuffers.remove(at: i).pointer
    } else {
      pointer = arena.floats(count)
      capacities[pointer] = count
    }
    return TensorRef(pointer: pointer, c: c, h: h, w: w, name: uniqueName(name), owned: true)
  }

  /// Returns an owned tensor's buffer to the pool; later layers may reuse it.
  func release(_ t: TensorRef) {
    guard t.owned, let cap = capacities[t.pointer] else { return }
    if freeBuffers.contains(where: { $0.pointer == t.pointer }) { return }
    freeBuffers.append((t.pointer, cap))
  }

  func needWorkspace(_ floats: Int) { workspaceFloats = max(workspaceFloats, floats) }

  func append(_ name: String, _ kind: String, _ body: @escaping () -> Void) {
    layers.append(Network.Layer(name: name, kind: kind, body: body))
  }

  // MARK: seeded parameters

  /// Seeds the parameter stream for one layer from (options.seed, layer name), so a layer's weights do not
  /// depend on which other layers were planned (pruned and full networks share weights layer by layer).
  func seedLayer(_ name: String) {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
    for byte in name.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    rng = SplitMix64(seed: options.seed ^ h)
  }

  /// `count` uniform values in [-bound, bound).
  func uniform(_ count: Int, bound: Float) -> UnsafeMutablePointer<Float> {
    let p = arena.floats(count)
    for i in 0..<count { p[i] = rng.nextSignedUnitFloat() * bound }
    return p
  }

  /// `count` uniform values in [lo, hi).
  func uniform(_ count: Int, lo: Float, hi: Float) -> UnsafeMutablePointer<Float> {
    let p = arena.floats(count)
    for i in 0..<count { p[i] = lo + (rng.nextSignedUnitFloat() + 1) * 0.5 * (hi - lo) }
    return p
  }

  /// Inference BN as (scale, shift): scale = γ/√(σ²+ε), shift = β − μ·scale, from seeded γ, β, μ, σ².
  func batchNorm(_ c: Int) -> (scale: UnsafeMutablePointer<Float>, shift: UnsafeMutablePointer<Float>) {
    let gamma = uniform(c, lo: 0.8, hi: 1.2), beta = uniform(c, bound: 0.1)
    let mean = uniform(c, bound: 0.1), variance = uniform(c, lo: 0.8, hi: 1.2)
    let scale = arena.floats(c), shift = arena.floats(c)
    for i in 0..<c {
      scale[i] = gamma[i] / (variance[i] + 1e-5).squareRoot()
      shift[i] = beta[i] - mean[i] * scale[i]
    }
    return (scale, shift)
  }

  /// The seeded network input (batch × c × h × w), uniform in [-1, 1).
  func input(c: Int, h: Int, w: Int) -> TensorRef {
    let count = batch * c * h * w
    var inputRNG = SplitMix64(seed: options.seed ^ 0x5EED_1A9E_0000_0001)
    let p = arena.floats(count)
    for i in 0..<count { p[i] = inputRNG.nextSignedUnitFloat() }
    graph.inputShape = [batch, c, h, w]
    let t = TensorRef(pointer: p, c: c, h: h, w: w, name: graph.inputName, owned: false)
    inputTensor = t
    return t
  }

  // MARK: ops

  /// Conv k×k (+ own bias) (+ BN) (+ act) (+ residual add). BN is folded unless options.foldBN is false.
  func conv(_ x: TensorRef, cout: Int, k: Int, stride: Int = 1, pad: Int? = nil, groups: Int = 1,
            bias hasBias: Bool = false, bn: Bool = true, act: Activation = .none, residual: TensorRef? = nil,
            name: String) throws -> TensorRef {
    let p = pad ?? k / 2
    guard x.c % groups == 0, cout % groups == 0 else {
      throw RuntimeError("\(name): groups \(groups) must divide channels \(x.c) → \(cout)")
    }
    let oh = (x.h + 2 * p - k) / stride + 1, ow = (x.w + 2 * p - k) / stride + 1
    guard oh > 0, ow > 0 else {
      throw RuntimeError("\(name): input \(x.h)×\(x.w) too small for a \(k)×\(k) conv with stride \(stride)")
    }
    if let r = residual, r.c != cout || r.h != oh || r.w != ow {
      throw RuntimeError("\(name): residual \(r.c)×\(r.h)×\(r.w) does not match output \(cout)×\(oh)×\(ow)")
    }
    seedLayer(name)
    let cinPerGroup = x.c / groups
    let wcount = cout * cinPerGroup * k * k
    let fanIn = Float(cinPerGroup * k * k)
    let weight = uniform(wcount, bound: (6 / fanIn).squareRoot())
    var bias: UnsafeMutablePointer<Float>? = hasBias ? uniform(cout, bound: 0.1) : nil
    let norm = bn ? batchNorm(cout) : nil
    let depthwise = groups > 1 && groups == x.c && groups == cout
    let kind = depthwise ? "dwconv\(k)x\(k)" : "conv\(k)x\(k)"
    macs += batch * cout * cinPerGroup * k * k * oh * ow

    // Fold BN into weight and bias (in place: the weight buffer is this layer's own).
    var separateBN: (scale: UnsafeMutablePointer<Float>, shift: UnsafeMutablePointer<Float>)? = nil
    if let nb = norm {
      if options.foldBN {
        let per = cinPerGroup * k * k
        let b = bias ?? arena.floats(cout)
        for o in 0..<cout {
          for i in 0..<per { weight[o * per + i] *= nb.scale[o] }
          b[o] = b[o] * nb.scale[o] + nb.shift[o]
        }
        bias = b
      } else {
        separateBN = nb
      }
    }

    // Graph: Conv [→ BatchNormalization] [→ act] [→ Add]
    let wName = uniqueName("\(name).weight")
    graph.addInitializer(wName, shape: [cout, cinPerGroup, k, k], data: weight)
    var convInputs = [x.name, wName]
    if let b = bias {
      let bName = uniqueName("\(name).bias")
      graph.addInitializer(bName, shape: [cout], data: b)
      convInputs.append(bName)
    }

    // Kernel choice.
    var desc = ck_conv(n: Int32(batch), cin: Int32(x.c), h: Int32(x.h), w: Int32(x.w), cout: Int32(cout),
                       kh: Int32(k), kw: Int32(k), stride: Int32(stride), pad: Int32(p), groups: Int32(groups),
                       oh: 0, ow: 0, act: 0)
    ck_conv_init_output(&desc)
    let fn: ck_conv_fn
    var wsFloats = 0
    var kernelWeight = weight
    if depthwise {
      switch options.kernels.depthwise {
      case .reference: fn = ck_dwconv_ref
      case .simd: fn = ck_dwconv_simd; wsFloats = ck_dwconv_workspace_floats(&desc)
      }
    } else if groups == 1 {
      let pointwise = k == 1 && stride == 1 && p == 0
      switch pointwise ? options.kernels.pointwise : options.kernels.conv {
      case .reference: fn = ck_conv2d_ref
      case .openblas: fn = ck_conv2d_im2col_openblas; wsFloats = ck_conv2d_workspace_floats(&desc)
      case .simd:
        // Our SIMD GEMM with weights packed once here (plan time) into micro-kernel panels.
        fn = ck_conv2d_packed_simd
        wsFloats = ck_conv2d_packed_workspace_floats(&desc)
        kernelWeight = arena.floats(ck_conv2d_packed_weight_floats(&desc))
      }
    } else {
      fn = ck_conv2d_ref
    }
    needWorkspace(wsFloats)

    let fusedAct = separateBN == nil ? act : .none
    let fusedResidual = separateBN == nil ? residual : nil
    desc.act = fusedAct.rawValue
    let descPointer = arena.raw(bytes: MemoryLayout<ck_conv>.stride).bindMemory(to: ck_conv.self, capacity: 1)
    descPointer.initialize(to: desc)

    let out = newTensor(c: cout, h: oh, w: ow, name: name)
    if kernelWeight != weight { ck_conv2d_pack_weights(&desc, weight, kernelWeight) }
    let inPtr = UnsafePointer(x.pointer), wPtr = UnsafePointer(kernelWeight)
    let bPtr = bias.map { UnsafePointer($0) }, rPtr = fusedResidual.map { UnsafePointer($0.pointer) }
    let outPtr = out.pointer, ws = workspace
    append(name, kind) { fn(descPointer, inPtr, wPtr, bPtr, rPtr, outPtr, ws.pointer) }

    var current = out.name
    graph.nodes.append(GraphNode(op: "Conv", name: name, inputs: convInputs, outputs: [current],
                                 ints: ["kernel_shape": [k, k], "strides": [stride, stride],
                                        "pads": [p, p, p, p], "group": [groups]]))
    var result = out
    if let nb = separateBN {
      let bnOut = try batchNormOp(out, scale: nb.scale, shift: nb.shift, act: act, name: "\(name).bn")
      release(out)
      result = bnOut
      current = bnOut.name
      if let r = residual {
        let sum = add(result, r, name: "\(name).add")
        result = sum
      }
      return result
    }
    if let opName = act.onnxOp {
      let next = uniqueName("\(name).\(opName)")
      graph.nodes.append(activationNode(act, input: current, output: next, name: "\(name).act"))
      current = next
    }
    if let r = residual {
      let next = uniqueName("\(name).add")
      graph.nodes.append(GraphNode(op: "Add", name: "\(name).add", inputs: [current, r.name], outputs: [next]))
      current = next
    }
    return TensorRef(pointer: out.pointer, c: cout, h: oh, w: ow, name: current, owned: true)
  }

  func activationNode(_ act: Activation, input: String, output: String, name: String) -> GraphNode {
    var node = GraphNode(op: act.onnxOp ?? "Identity", name: name, inputs: [input], outputs: [output])
    if act == .hsigmoid {
      node.floats = ["alpha": 1.0 / 6.0, "beta": 0.5]
    }
    return node
  }

  /// Inference BN (per-channel scale/shift) then act, into a new tensor.
  func batchNormOp(_ x: TensorRef, scale: UnsafeMutablePointer<Float>, shift: UnsafeMutablePointer<Float>,
                           act: Activation, name: String) throws -> TensorRef {
    let out = newTensor(c: x.c, h: x.h, w: x.w, name: name)
    let n = Int32(batch), c = Int32(x.c), hw = Int32(x.h * x.w), a = act.rawValue
    let inPtr = UnsafePointer(x.pointer), sPtr = UnsafePointer(scale), tPtr = UnsafePointer(shift)
    let outPtr = out.pointer
    append(name, "bn") { ck_bn_ref(n, c, hw, sPtr, tPtr, a, inPtr, outPtr) }
    // ONNX: BatchNormalization with mean 0 and var 1−ε reproduces y = x·scale + shift exactly.
    let mean = arena.floats(x.c), variance = arena.floats(x.c)
    for i in 0..<x.c { variance[i] = 1 - 1e-5 }
    let names = ["scale", "shift", "mean", "var"].map { uniqueName("\(name).\($0)") }
    for (nm, ptr) in zip(names, [scale, shift, mean, variance]) {
      graph.addInitializer(nm, shape: [x.c], data: ptr)
    }
    var current = uniqueName(name)
    graph.nodes.append(GraphNode(op: "BatchNormalization", name: name, inputs: [x.name] + names, outputs: [current],
                                 floats: ["epsilon": 1e-5]))
    if let opName = act.onnxOp {
      let next = uniqueName("\(name).\(opName)")
      graph.nodes.append(activationNode(act, input: current, output: next, name: "\(name).act"))
      current = next
    }
    return TensorRef(pointer: out.pointer, c: out.c, h: out.h, w: out.w, name: current, owned: true)
  }

  /// Standalone inference BN (seeded parameters; never folded, e.g. NB201 lastact) then act.
  func batchNorm(_ x: TensorRef, act: Activation, name: String) throws -> TensorRef {
    seedLayer(name)
    let nb = batchNorm(x.c)
    return try batchNormOp(x, scale: nb.scale, shift: nb.shift, act: act, name: name)
  }

  /// Finishes planning: allocates the shared workspace and returns the network.
  func finish(output: TensorRef, classes: Int, summary: String) throws -> Network {
    guard let input = inputTensor else { throw RuntimeError("\(summary): network has no input") }
    workspace.pointer = arena.floats(max(workspaceFloats, 16))
    graph.outputName = output.name
    graph.outputShape = [batch, classes]
    return Network(layers: layers, arena: arena, workspace: workspace, input: input.pointer,
                   output: output.pointer, outputCount: batch * classes, classes: classes, graph: graph,
                   options: options, macs: macs, summary: summary)
  }
}
