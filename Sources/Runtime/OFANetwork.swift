import SearchSpace

extension Network {
  /// OFA's make_divisible(v, 8): round to the nearest multiple of 8 (at least 8), never more than 10% below v.
  static func makeDivisible(_ v: Double, _ divisor: Int = 8) -> Int {
    var n = max(divisor, Int(v + Double(divisor) / 2) / divisor * divisor)
    if Double(n) < 0.9 * v { n += divisor }
    return n
  }

  /// Widths [first conv, S0 block, S1…S5, final expand, feature mix] for a width multiplier (spec B1).
  static func ofaWidths(_ width: OFAWidth) -> [Int] {
    [16, 16, 24, 40, 80, 112, 160, 960, 1280].map { makeDivisible(Double($0) * width.multiplier) }
  }

  /// Checks an OFA config's shape and value ranges; throws naming the bad value.
  static func validateOFA(_ config: OFAConfig) throws {
    guard config.ks.count == 20, config.e.count == 20, config.d.count == 5 else {
      throw RuntimeError("OFA config needs 20 ks, 20 e and 5 d values, got \(config.ks.count)/\(config.e.count)/\(config.d.count)")
    }
    for (i, k) in config.ks.enumerated() where ![3, 5, 7].contains(k) {
      throw RuntimeError("OFA ks[\(i)] = \(k): expected 3, 5 or 7")
    }
    for (i, e) in config.e.enumerated() where ![3, 4, 6].contains(e) {
      throw RuntimeError("OFA e[\(i)] = \(e): expected 3, 4 or 6")
    }
    for (i, d) in config.d.enumerated() where !(2...4).contains(d) {
      throw RuntimeError("OFA d[\(i)] = \(d): expected 2...4")
    }
    guard (32...512).contains(config.resolution) else {
      throw RuntimeError("OFA resolution \(config.resolution) out of range: expected 32...512 (OFA trains 128...224)")
    }
  }

  /// Plans an OFA MobileNetV3 subnet (spec Part B): first conv s2 + h_swish, S0 block, the active MBConv blocks
  /// of S1…S5 (SE in S2/S4/S5, h_swish in S3–S5), final expand 1×1, global pool, feature mix 1×1 (h_swish,
  /// no BN), classifier with bias (1000 classes).
  public static func ofa(_ config: OFAConfig, options: RuntimeOptions) throws -> Network {
    try validateOFA(config)
    let b = try NetworkBuilder(options: options)
    let widths = ofaWidths(config.width)
    let r = config.resolution
    let x = b.input(c: 3, h: r, w: r)
    var t = try b.conv(x, cout: widths[0], k: 3, stride: 2, bn: true, act: .hswish, name: "first_conv")
    // S0: depthwise 3×3 + BN + ReLU, project 1×1 + BN, identity residual.
    let dw0 = try b.conv(t, cout: widths[0], k: 3, groups: widths[0], bn: true, act: .relu, name: "S0.dw3x3")
    let s0 = try b.conv(dw0, cout: widths[1], k: 1, bn: true, residual: widths[0] == widths[1] ? t : nil,
                        name: "S0.project")
    b.release(dw0)
    b.release(t)
    t = s0
    let strides = [2, 2, 2, 1, 2]
    let acts: [Activation] = [.relu, .relu, .hswish, .hswish, .hswish]
    let useSE = [false, true, false, true, true]
    for stage in 0..<5 {
      let cout = widths[stage + 2]
      for j in 0..<config.d[stage] {
        let slot = 4 * stage + j
        let next = try mbConv(b, t, cout: cout, k: config.ks[slot], stride: j == 0 ? strides[stage] : 1,
                              expand: config.e[slot], act: acts[stage], se: useSE[stage],
                              name: "S\(stage + 1).b\(j)")
        b.release(t)
        t = next
      }
    }
    let fe = try b.conv(t, cout: widths[7], k: 1, bn: true, act: .hswish, name: "final_expand")
    b.release(t)
    let pooled = b.globalAvgPool(fe, name: "pool")
    b.release(fe)
    let mix = try b.linear(pooled, outFeatures: widths[8], bias: false, act: .hswish, asConv: true,
                           name: "feature_mix")
    b.release(pooled)
    let logits = try b.linear(mix, outFeatures: 1000, bias: true, name: "classifier")
    let summary = "ofa w\(config.width.rawValue) r\(r) ks=\(config.ks) e=\(config.e) d=\(config.d)"
    return try b.finish(output: logits, classes: 1000, summary: summary)
  }

  /// MBConv: [expand 1×1 + BN + act] → depthwise k×k (stride, pad k//2) + BN + act → [SE] → project 1×1 + BN
  /// (+ identity residual when stride 1 and Cin = Cout).
  static func mbConv(_ b: NetworkBuilder, _ x: TensorRef, cout: Int, k: Int, stride: Int, expand: Int,
                     act: Activation, se: Bool, name: String) throws -> TensorRef {
    let mid = makeDivisible(Double(x.c * expand))
    let expanded = try b.conv(x, cout: mid, k: 1, bn: true, act: act, name: "\(name).expand")
    var dw = try b.conv(expanded, cout: mid, k: k, stride: stride, groups: mid, bn: true, act: act,
                        name: "\(name).dw\(k)x\(k)")
    b.release(expanded)
    if se { dw = b.squeezeExcite(dw, mid: makeDivisible(Double(mid / 4)), name: "\(name).se") }
    let residual = stride == 1 && x.c == cout ? x : nil
    let out = try b.conv(dw, cout: cout, k: 1, bn: true, residual: residual, name: "\(name).project")
    b.release(dw)
    return out
  }
}
