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
  private var rng: SplitMix64
  private(set) var layers: [Network.Layer] = []
  private(set) var graph = NetworkGraph()
  private(set) var macs = 0
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

  private func needWorkspace(_ floats: Int) { workspaceFloats = max(workspaceFloats, floats) }

  private func append(_ name: String, _ kind: String, _ body: @escaping () -> Void) {
    layers.append(Network.Layer(name: name, kind: kind, body: body))
  }

  // MARK: seeded parameters

  /// Seeds the parameter stream for one layer from (options.seed, layer name), so a layer's weights do not
  /// depend on which other layers were planned (pruned and full networks share weights layer by layer).
  private func seedLayer(_ name: String) {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
    for byte in name.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    rng = SplitMix64(seed: options.seed ^ h)
  }

  /// `count` uniform values in [-bound, bound).
  private func uniform(_ count: Int, bound: Float) -> UnsafeMutablePointer<Float> {
    let p = arena.floats(count)
    for i in 0..<count { p[i] = rng.nextSignedUnitFloat() * bound }
    return p
  }

  /// `count` uniform values in [lo, hi).
  private func uniform(_ count: Int, lo: Float, hi: Float) -> UnsafeMutablePointer<Float> {
    let p = arena.floats(count)
    for i in 0..<count { p[i] = lo + (rng.nextSignedUnitFloat() + 1) * 0.5 * (hi - lo) }
    return p
  }

  /// Inference BN as (scale, shift): scale = γ/√(σ²+ε), shift = β − μ·scale, from seeded γ, β, μ, σ².
  private func batchNorm(_ c: Int) -> (scale: UnsafeMutablePointer<Float>, shift: UnsafeMutablePointer<Float>) {
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

  private func activationNode(_ act: Activation, input: String, output: String, name: String) -> GraphNode {
    var node = GraphNode(op: act.onnxOp ?? "Identity", name: name, inputs: [input], outputs: [output])
    if act == .hsigmoid {
      node.floats = ["alpha": 1.0 / 6.0, "beta": 0.5]
    }
    return node
  }

  /// Inference BN (per-channel scale/shift) then act, into a new tensor.
  private func batchNormOp(_ x: TensorRef, scale: UnsafeMutablePointer<Float>, shift: UnsafeMutablePointer<Float>,
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

  /// act(x) into a new tensor (not in place).
  func activation(_ x: TensorRef, _ act: Activation, name: String) -> TensorRef {
    let out = newTensor(c: x.c, h: x.h, w: x.w, name: name)
    let count = batch * x.c * x.h * x.w, a = act.rawValue
    let inPtr = UnsafePointer(x.pointer), outPtr = out.pointer
    let kind = act.onnxOp?.lowercased() ?? "copy"
    append(name, kind) { ck_act_ref(a, count, inPtr, outPtr) }
    graph.nodes.append(activationNode(act, input: x.name, output: out.name, name: name))
    return out
  }

  /// x · 0 into a new tensor (the NB201 `none` op, really executed).
  func zeroScale(_ x: TensorRef, name: String) -> TensorRef {
    let out = newTensor(c: x.c, h: x.h, w: x.w, name: name)
    let count = batch * x.c * x.h * x.w
    let inPtr = UnsafePointer(x.pointer), outPtr = out.pointer
    append(name, "none") { ck_scale_ref(count, 0, inPtr, outPtr) }
    let zero = arena.floats(1)
    let zName = uniqueName("\(name).zero")
    graph.addInitializer(zName, shape: [], data: zero)
    graph.nodes.append(GraphNode(op: "Mul", name: name, inputs: [x.name, zName], outputs: [out.name]))
    return out
  }

  /// A zero tensor (pruned mode: a disconnected cell's output).
  func zeros(c: Int, h: Int, w: Int, like x: TensorRef, name: String) -> TensorRef {
    let out = newTensor(c: c, h: h, w: w, name: name)
    let count = batch * c * h * w, outPtr = out.pointer
    append(name, "zeros") { outPtr.update(repeating: 0, count: count) }
    let zero = arena.floats(1)
    let zName = uniqueName("\(name).zero")
    graph.addInitializer(zName, shape: [], data: zero)
    graph.nodes.append(GraphNode(op: "Mul", name: name, inputs: [x.name, zName], outputs: [out.name]))
    return out
  }

  /// a + b: in place into a when a owns its buffer, else into a new tensor.
  func add(_ a: TensorRef, _ b: TensorRef, name: String) -> TensorRef {
    let count = batch * a.c * a.h * a.w
    let out = a.owned ? a : newTensor(c: a.c, h: a.h, w: a.w, name: name)
    let aPtr = UnsafePointer(a.pointer), bPtr = UnsafePointer(b.pointer), outPtr = out.pointer
    append(name, "add") { ck_add_ref(count, aPtr, bPtr, outPtr) }
    let outName = uniqueName(name)
    graph.nodes.append(GraphNode(op: "Add", name: name, inputs: [a.name, b.name], outputs: [outName]))
    return TensorRef(pointer: out.pointer, c: a.c, h: a.h, w: a.w, name: outName, owned: true)
  }

  /// Average pooling k×k, stride s, padding p (count_include_pad = !excludePad) into a new tensor.
  func avgPool(_ x: TensorRef, k: Int, stride: Int, pad: Int, excludePad: Bool, name: String) -> TensorRef {
    let oh = Int(ck_pool_out(Int32(x.h), Int32(k), Int32(stride), Int32(pad)))
    let ow = Int(ck_pool_out(Int32(x.w), Int32(k), Int32(stride), Int32(pad)))
    let out = newTensor(c: x.c, h: oh, w: ow, name: name)
    let n = Int32(batch), c = Int32(x.c), h = Int32(x.h), w = Int32(x.w)
    let kk = Int32(k), s = Int32(stride), p = Int32(pad), ex: Int32 = excludePad ? 1 : 0
    let inPtr = UnsafePointer(x.pointer), outPtr = out.pointer
    append(name, "avgpool\(k)x\(k)") { ck_avgpool_ref(n, c, h, w, kk, s, p, ex, inPtr, outPtr) }
    graph.nodes.append(GraphNode(op: "AveragePool", name: name, inputs: [x.name], outputs: [out.name],
                                 ints: ["kernel_shape": [k, k], "strides": [stride, stride],
                                        "pads": [pad, pad, pad, pad], "count_include_pad": [excludePad ? 0 : 1]]))
    return out
  }

  /// Mean over H×W → c×1×1.
  func globalAvgPool(_ x: TensorRef, name: String) -> TensorRef {
    let out = newTensor(c: x.c, h: 1, w: 1, name: name)
    let n = Int32(batch), c = Int32(x.c), hw = Int32(x.h * x.w)
    let inPtr = UnsafePointer(x.pointer), outPtr = out.pointer
    append(name, "globalpool") { ck_global_avgpool_ref(n, c, hw, inPtr, outPtr) }
    graph.nodes.append(GraphNode(op: "GlobalAveragePool", name: name, inputs: [x.name], outputs: [out.name]))
    return out
  }

  /// Fully connected layer on a c×1×1 tensor: y = act(W·x + b). `asConv` records it as a 1×1 Conv in the graph
  /// (OFA feature mix), else as Flatten + Gemm (classifier).
  func linear(_ x: TensorRef, outFeatures: Int, bias hasBias: Bool, act: Activation = .none, asConv: Bool = false,
              name: String) throws -> TensorRef {
    guard x.h == 1, x.w == 1 else { throw RuntimeError("\(name): linear input must be c×1×1, got \(x.c)×\(x.h)×\(x.w)") }
    seedLayer(name)
    let inf = x.c
    let weight = uniform(outFeatures * inf, bound: (6 / Float(inf)).squareRoot())
    let bias: UnsafeMutablePointer<Float>? = hasBias ? uniform(outFeatures, bound: 0.1) : nil
    macs += batch * (inf * outFeatures + (hasBias && countLinearBiasMACs ? outFeatures : 0))
    let out = newTensor(c: outFeatures, h: 1, w: 1, name: name)
    let fn: ck_linear_fn = options.kernels.linear == .openblas ? ck_linear_openblas : ck_linear_ref
    let n = Int32(batch), i32 = Int32(inf), o32 = Int32(outFeatures), a = act.rawValue
    let inPtr = UnsafePointer(x.pointer), wPtr = UnsafePointer(weight), bPtr = bias.map { UnsafePointer($0) }
    let outPtr = out.pointer
    append(name, "linear") { fn(n, i32, o32, inPtr, wPtr, bPtr, a, outPtr) }
    let wName = uniqueName("\(name).weight")
    var current = out.name
    if asConv {
      graph.addInitializer(wName, shape: [outFeatures, inf, 1, 1], data: weight)
      var inputs = [x.name, wName]
      if let b = bias {
        let bName = uniqueName("\(name).bias")
        graph.addInitializer(bName, shape: [outFeatures], data: b)
        inputs.append(bName)
      }
      graph.nodes.append(GraphNode(op: "Conv", name: name, inputs: inputs, outputs: [current],
                                   ints: ["kernel_shape": [1, 1], "strides": [1, 1], "pads": [0, 0, 0, 0],
                                          "group": [1]]))
    } else {
      graph.addInitializer(wName, shape: [outFeatures, inf], data: weight)
      let flat = uniqueName("\(name).flat")
      graph.nodes.append(GraphNode(op: "Flatten", name: "\(name).flatten", inputs: [x.name], outputs: [flat],
                                   ints: ["axis": [1]]))
      var inputs = [flat, wName]
      if let b = bias {
        let bName = uniqueName("\(name).bias")
        graph.addInitializer(bName, shape: [outFeatures], data: b)
        inputs.append(bName)
      }
      graph.nodes.append(GraphNode(op: "Gemm", name: name, inputs: inputs, outputs: [current],
                                   ints: ["transB": [1]]))
    }
    if let opName = act.onnxOp {
      let next = uniqueName("\(name).\(opName)")
      graph.nodes.append(activationNode(act, input: current, output: next, name: "\(name).act"))
      current = next
    }
    return TensorRef(pointer: out.pointer, c: outFeatures, h: 1, w: 1, name: current, owned: true)
  }

  /// Squeeze-excite in place on x: mean → 1×1 conv (bias) → ReLU → 1×1 conv (bias) → h_sigmoid → x · s.
  func squeezeExcite(_ x: TensorRef, mid: Int, name: String) -> TensorRef {
    seedLayer(name)
    let c = x.c
    let w1 = uniform(mid * c, bound: (6 / Float(c)).squareRoot()), b1 = uniform(mid, bound: 0.1)
    let w2 = uniform(c * mid, bound: (6 / Float(mid)).squareRoot()), b2 = uniform(c, bound: 0.1)
    macs += batch * 2 * c * mid
    let scratch = arena.floats(batch * (2 * c + mid))
    let n = Int32(batch), c32 = Int32(c), hw = Int32(x.h * x.w), m32 = Int32(mid)
    let p1 = UnsafePointer(w1), q1 = UnsafePointer(b1), p2 = UnsafePointer(w2), q2 = UnsafePointer(b2)
    let xPtr = x.pointer
    append(name, "se") { ck_se_ref(n, c32, hw, m32, p1, q1, p2, q2, xPtr, scratch) }
    let names = ["w1", "b1", "w2", "b2"].map { uniqueName("\(name).\($0)") }
    graph.addInitializer(names[0], shape: [mid, c, 1, 1], data: w1)
    graph.addInitializer(names[1], shape: [mid], data: b1)
    graph.addInitializer(names[2], shape: [c, mid, 1, 1], data: w2)
    graph.addInitializer(names[3], shape: [c], data: b2)
    let t = (0..<5).map { uniqueName("\(name).t\($0)") }
    let conv1x1: [String: [Int]] = ["kernel_shape": [1, 1], "strides": [1, 1], "pads": [0, 0, 0, 0], "group": [1]]
    graph.nodes.append(GraphNode(op: "GlobalAveragePool", name: "\(name).pool", inputs: [x.name], outputs: [t[0]]))
    graph.nodes.append(GraphNode(op: "Conv", name: "\(name).reduce", inputs: [t[0], names[0], names[1]],
                                 outputs: [t[1]], ints: conv1x1))
    graph.nodes.append(GraphNode(op: "Relu", name: "\(name).relu", inputs: [t[1]], outputs: [t[2]]))
    graph.nodes.append(GraphNode(op: "Conv", name: "\(name).expand", inputs: [t[2], names[2], names[3]],
                                 outputs: [t[3]], ints: conv1x1))
    graph.nodes.append(activationNode(.hsigmoid, input: t[3], output: t[4], name: "\(name).hsigmoid"))
    let outName = uniqueName(name)
    graph.nodes.append(GraphNode(op: "Mul", name: "\(name).scale", inputs: [x.name, t[4]], outputs: [outName]))
    return TensorRef(pointer: x.pointer, c: x.c, h: x.h, w: x.w, name: outName, owned: x.owned)
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
