import SearchSpace

extension Network {
  /// Plans the NB201 TinyNetwork (C = 16, N = 5) for `cell` on `dataset` (spec Part A):
  /// stem conv3×3 + BN, 3 stages of 5 cells with ResNet reduction blocks between them, lastact BN + ReLU,
  /// global average pool, linear classifier with bias.
  ///
  /// Every op of every edge runs (`none` = multiply by 0, really executed; ReLU per conv edge, not in place)
  /// unless `options.pruneDeadOps`, which skips edges that are not live (`NB201Cell.liveEdges`).
  public static func nb201(_ cell: NB201Cell, dataset: NB201Dataset, options: RuntimeOptions) throws -> Network {
    let b = try NetworkBuilder(options: options)
    b.countLinearBiasMACs = true
    let side = dataset.inputSize
    let x = b.input(c: 3, h: side, w: side)
    var t = try b.conv(x, cout: 16, k: 3, bn: true, act: .none, name: "stem.conv")
    var cellIndex = 0
    for stage in 0..<3 {
      let c = 16 << stage
      if stage > 0 {
        let next = try reductionBlock(b, t, cout: c, name: "cell\(cellIndex)")
        b.release(t)
        t = next
        cellIndex += 1
      }
      for _ in 0..<5 {
        let next = try nb201Cell(b, t, cell: cell, name: "cell\(cellIndex)")
        if next.pointer != t.pointer { b.release(t) }
        t = next
        cellIndex += 1
      }
    }
    let last = try b.batchNorm(t, act: .relu, name: "lastact")
    b.release(t)
    let pooled = b.globalAvgPool(last, name: "pool")
    b.release(last)
    let logits = try b.linear(pooled, outFeatures: dataset.numClasses, bias: true, name: "classifier")
    let summary = "nb201 \(dataset.rawValue) \(cell.archString)"
    return try b.finish(output: logits, classes: dataset.numClasses, summary: summary)
  }

  /// ResNet basic block, stride 2: ReLU→conv3×3 s2→BN, ReLU→conv3×3→BN; shortcut avgpool 2×2 → conv1×1 (no BN);
  /// output = shortcut + branch (fused into the shortcut conv's epilogue), no activation after the add.
  static func reductionBlock(_ b: NetworkBuilder, _ x: TensorRef, cout: Int, name: String) throws -> TensorRef {
    let ra = b.activation(x, .relu, name: "\(name).a.relu")
    let a = try b.conv(ra, cout: cout, k: 3, stride: 2, bn: true, name: "\(name).a.conv3x3")
    b.release(ra)
    let rb = b.activation(a, .relu, name: "\(name).b.relu")
    b.release(a)
    let bb = try b.conv(rb, cout: cout, k: 3, bn: true, name: "\(name).b.conv3x3")
    b.release(rb)
    let pooled = b.avgPool(x, k: 2, stride: 2, pad: 0, excludePad: false, name: "\(name).shortcut.avgpool")
    let out = try b.conv(pooled, cout: cout, k: 1, pad: 0, bn: false, residual: bb, name: "\(name).shortcut.conv1x1")
    b.release(pooled)
    b.release(bb)
    return out
  }

  /// One InferCell: node j = Σ_{i<j} op_{i→j}(node i), edges in arch-string order.
  static func nb201Cell(_ b: NetworkBuilder, _ x: TensorRef, cell: NB201Cell, name: String) throws -> TensorRef {
    let live = b.options.pruneDeadOps ? cell.liveEdges : [Bool](repeating: true, count: 6)
    var nodes: [TensorRef?] = [x, nil, nil, nil]
    for j in 1...3 {
      var acc: TensorRef? = nil
      for (k, edge) in NB201Cell.edges.enumerated() where edge.to == j && live[k] {
        guard let src = nodes[edge.from] else { continue }
        let en = "\(name).e\(k)"
        switch cell.ops[k] {
        case .skipConnect:
          // The node borrows the source's buffer: adding into it or releasing it would change the source.
          if let a = acc { acc = b.add(a, src, name: "\(en).add") } else { acc = src.borrowed }
        case .none:
          let z = b.zeroScale(src, name: "\(en).none")
          if let a = acc { acc = b.add(a, z, name: "\(en).add"); b.release(z) } else { acc = z }
        case .avgPool3x3:
          let p = b.avgPool(src, k: 3, stride: 1, pad: 1, excludePad: true, name: "\(en).avgpool3x3")
          if let a = acc { acc = b.add(a, p, name: "\(en).add"); b.release(p) } else { acc = p }
        case .conv1x1, .conv3x3:
          let k3 = cell.ops[k] == .conv3x3
          let r = b.activation(src, .relu, name: "\(en).relu")
          let out = try b.conv(r, cout: src.c, k: k3 ? 3 : 1, bn: true, residual: acc,
                               name: "\(en).\(k3 ? "conv3x3" : "conv1x1")")
          b.release(r)
          if let a = acc { b.release(a) }
          acc = out
        }
      }
      nodes[j] = acc
    }
    let output = nodes[3] ?? b.zeros(c: x.c, h: x.h, w: x.w, like: x, name: "\(name).zeros")
    // Release intermediate nodes that own a buffer other than the input's and the output's.
    for j in 1...2 {
      if let n = nodes[j], n.owned, n.pointer != output.pointer, n.pointer != x.pointer { b.release(n) }
    }
    return output
  }
}
