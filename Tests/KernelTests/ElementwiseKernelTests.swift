import CKernels
import XCTest

/// Activations, BN, pooling, linear and squeeze-excite against straightforward Swift references.
final class ElementwiseKernelTests: XCTestCase {
  func relu6(_ x: Float) -> Float { min(max(x, 0), 6) }

  func testActivations() {
    var rng = SeededFloats(seed: 4)
    let x = rng.array(1000).map { $0 * 8 }
    let input = Buffer(x)
    let cases: [(Int32, (Float) -> Float)] = [
      (Int32(CK_ACT_NONE), { $0 }), (Int32(CK_ACT_RELU), { max($0, 0) }),
      (Int32(CK_ACT_HSWISH), { $0 * self.relu6($0 + 3) / 6 }), (Int32(CK_ACT_HSIGMOID), { self.relu6($0 + 3) / 6 }),
    ]
    for (act, f) in cases {
      let out = Buffer(x.count)
      ck_act_ref(act, x.count, input.pointer, out.pointer)
      assertClose(out.array, x.map(f), tol: Tolerance.elementwise, "act \(act)")
    }
    let out = Buffer(x.count)
    ck_scale_ref(x.count, 0, input.pointer, out.pointer)
    XCTAssertTrue(out.array.allSatisfy { $0 == 0 })
    ck_add_ref(x.count, input.pointer, input.pointer, out.pointer)
    assertClose(out.array, x.map { 2 * $0 }, tol: Tolerance.elementwise, "add")
  }

  func testBatchNorm() {
    var rng = SeededFloats(seed: 5)
    let (n, c, hw) = (2, 3, 5)
    let x = rng.array(n * c * hw), scale = rng.array(c), shift = rng.array(c)
    let out = Buffer(x.count)
    ck_bn_ref(Int32(n), Int32(c), Int32(hw), scale, shift, Int32(CK_ACT_RELU), x, out.pointer)
    var want = [Float](repeating: 0, count: x.count)
    for i in 0..<x.count { let ch = (i / hw) % c; want[i] = max(x[i] * scale[ch] + shift[ch], 0) }
    assertClose(out.array, want, tol: Tolerance.elementwise, "bn")
  }

  /// Swift reference for average pooling.
  func avgPool(_ x: [Float], planes: Int, h: Int, w: Int, k: Int, s: Int, p: Int, excludePad: Bool) -> [Float] {
    let oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1
    var out: [Float] = []
    for plane in 0..<planes {
      for oy in 0..<oh {
        for ox in 0..<ow {
          var sum: Float = 0, count = 0
          for ky in 0..<k {
            for kx in 0..<k {
              let iy = oy * s - p + ky, ix = ox * s - p + kx
              if iy >= 0 && iy < h && ix >= 0 && ix < w { sum += x[plane * h * w + iy * w + ix]; count += 1 }
            }
          }
          out.append(sum / Float(excludePad ? count : k * k))
        }
      }
    }
    return out
  }

  func testAveragePooling() {
    var rng = SeededFloats(seed: 6)
    for (h, w, k, s, p, ex) in [(8, 8, 3, 1, 1, true), (7, 5, 3, 1, 1, true), (8, 8, 2, 2, 0, false),
                                (9, 9, 3, 2, 1, false), (1, 1, 3, 1, 1, true)] {
      let planes = 6
      let x = rng.array(planes * h * w)
      let want = avgPool(x, planes: planes, h: h, w: w, k: k, s: s, p: p, excludePad: ex)
      XCTAssertEqual(Int(ck_pool_out(Int32(h), Int32(k), Int32(s), Int32(p)) * ck_pool_out(Int32(w), Int32(k),
                     Int32(s), Int32(p))) * planes, want.count)
      let out = Buffer(want.count)
      ck_avgpool_ref(2, 3, Int32(h), Int32(w), Int32(k), Int32(s), Int32(p), ex ? 1 : 0, x, out.pointer)
      assertClose(out.array, want, tol: Tolerance.elementwise, "avgpool \(h)x\(w) k\(k) s\(s) p\(p) ex \(ex)")
    }
    // count_include_pad = False: a corner of a 3×3 window over ones is still 1.
    let ones = [Float](repeating: 1, count: 16), out = Buffer(16)
    ck_avgpool_ref(1, 1, 4, 4, 3, 1, 1, 1, ones, out.pointer)
    XCTAssertTrue(out.array.allSatisfy { abs($0 - 1) < 1e-6 })
  }

  func testGlobalPoolLinearAndSE() {
    var rng = SeededFloats(seed: 7)
    let (n, c, hw, mid) = (2, 24, 9, 8)
    let x = rng.array(n * c * hw)
    let pooled = Buffer(n * c)
    ck_global_avgpool_ref(Int32(n), Int32(c), Int32(hw), x, pooled.pointer)
    let wantPooled = (0..<(n * c)).map { p in x[(p * hw)..<((p + 1) * hw)].reduce(0, +) / Float(hw) }
    assertClose(pooled.array, wantPooled, tol: Tolerance.elementwise, "global pool")

    let w1 = rng.array(mid * c), b1 = rng.array(mid), w2 = rng.array(c * mid), b2 = rng.array(c)
    func linear(_ v: [Float], _ w: [Float], _ b: [Float], inf: Int, outf: Int, _ f: (Float) -> Float) -> [Float] {
      (0..<n).flatMap { bi in
        (0..<outf).map { o in f((0..<inf).reduce(b[o]) { $0 + w[o * inf + $1] * v[bi * inf + $1] }) }
      }
    }
    let hidden = linear(wantPooled, w1, b1, inf: c, outf: mid) { max($0, 0) }
    for fnName in ["linear_ref", "linear_openblas"] {
      guard let v = ck_variant_named(fnName)?.pointee else { return XCTFail("\(fnName) missing") }
      let fn = unsafeBitCast(v.fn, to: ck_linear_fn.self)
      let got = Buffer(n * mid)
      fn(Int32(n), Int32(c), Int32(mid), pooled.pointer, w1, b1, Int32(CK_ACT_RELU), got.pointer)
      assertClose(got.array, hidden, tol: Tolerance.linear, fnName)
    }
    let gate = linear(hidden, w2, b2, inf: mid, outf: c) { self.relu6($0 + 3) / 6 }
    var want = x
    for i in 0..<want.count { want[i] *= gate[i / hw] }
    let inout_ = Buffer(x), scratch = Buffer(n * (2 * c + mid))
    ck_se_ref(Int32(n), Int32(c), Int32(hw), Int32(mid), w1, b1, w2, b2, inout_.pointer, scratch.pointer)
    assertClose(inout_.array, want, tol: Tolerance.linear, "se")
  }
}
