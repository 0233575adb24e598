import CKernels

/// The element-wise, pooling, linear and squeeze-excite ops of the planner (convs and BN are in
/// NetworkBuilder.swift). Each appends one executable layer and the matching ONNX-style graph nodes.
extension NetworkBuilder {
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
}
