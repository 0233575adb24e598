import CKernels
import XCTest

/// Every dense and depthwise conv variant against the naive reference, on shapes from the real networks plus
/// odd sizes and tile edges, with bias, activation and residual in the epilogue.
final class ConvKernelTests: XCTestCase {
  /// (n, cin, h, w, cout, k, stride, pad)
  static let denseShapes: [(Int, Int, Int, Int, Int, Int, Int, Int)] = [
    (1, 3, 32, 32, 16, 3, 1, 1),  // NB201 stem
    (1, 16, 32, 32, 16, 3, 1, 1),  // NB201 cell conv3x3, stage 1
    (1, 64, 8, 8, 64, 3, 1, 1),  // stage 3
    (1, 16, 32, 32, 32, 3, 2, 1),  // reduction conv_a
    (1, 16, 16, 16, 32, 1, 1, 0),  // reduction shortcut 1×1
    (1, 3, 35, 35, 16, 3, 2, 1),  // OFA first conv at an odd side
    (1, 24, 28, 28, 144, 1, 1, 0),  // OFA expand
    (1, 200, 7, 7, 40, 1, 1, 0),  // OFA project, 7×7 map
    (2, 5, 7, 9, 13, 3, 1, 1),  // batch 2, odd everything
    (1, 7, 1, 1, 33, 1, 1, 0),  // 1×1 map, N = 1
    (1, 300, 3, 11, 7, 1, 1, 0),  // K > KC (256): two K blocks
    (1, 1, 5, 5, 1, 5, 1, 2),  // single channel, k5
  ]

  func makeConv(_ s: (Int, Int, Int, Int, Int, Int, Int, Int), groups: Int = 1, act: Int32) -> ck_conv {
    var c = ck_conv(n: Int32(s.0), cin: Int32(s.1), h: Int32(s.2), w: Int32(s.3), cout: Int32(s.4), kh: Int32(s.5),
                    kw: Int32(s.5), stride: Int32(s.6), pad: Int32(s.7), groups: Int32(groups), oh: 0, ow: 0, act: act)
    ck_conv_init_output(&c)
    return c
  }

  func run(_ fnRaw: UnsafeMutableRawPointer?, _ c: inout ck_conv, x: Buffer, w: Buffer, b: Buffer?, r: Buffer?,
           outCount: Int, workspace: Int) -> [Float] {
    let fn = unsafeBitCast(fnRaw, to: ck_conv_fn.self)
    let y = Buffer(outCount)
    let ws = Buffer(workspace)
    fn(&c, x.pointer, w.pointer, b?.pointer, r?.pointer, y.pointer, ws.pointer)
    return y.array
  }

  func testDenseVariantsMatchReference() {
    var rng = SeededFloats(seed: 1)
    for (i, s) in Self.denseShapes.enumerated() {
      for (act, withBias, withResidual) in [(CK_ACT_HSWISH, true, true), (CK_ACT_NONE, false, false),
                                            (CK_ACT_RELU, true, false)] {
        var c = makeConv(s, act: Int32(act))
        let outCount = Int(c.n * c.cout * c.oh * c.ow)
        let x = Buffer(rng.array(Int(c.n * c.cin * c.h * c.w)))
        let w = Buffer(rng.array(Int(c.cout * c.cin * c.kh * c.kw)))
        let b = withBias ? Buffer(rng.array(Int(c.cout))) : nil
        let r = withResidual ? Buffer(rng.array(outCount)) : nil
        let ref = run(unsafeBitCast(ck_conv2d_ref as ck_conv_fn, to: UnsafeMutableRawPointer.self), &c, x: x, w: w,
                      b: b, r: r, outCount: outCount, workspace: 1)
        let ws = ck_conv2d_workspace_floats(&c)
        for v in variants(op: "conv2d") where String(cString: v.name) != "conv2d_ref" {
          for level in 0...Int(ck_cpu_simd_level()) {
            ck_force_simd_level(Int32(level))
            let got = run(v.fn, &c, x: x, w: w, b: b, r: r, outCount: outCount, workspace: ws)
            assertClose(got, ref, tol: Tolerance.conv, "\(String(cString: v.name)) level \(level) shape #\(i) act \(act)")
          }
          ck_force_simd_level(-1)
        }
        // Packed-weight SIMD conv (weights packed once, as the runtime does at plan time).
        // Weights are packed and run at the same SIMD level (the panel height depends on it).
        for level in 0...Int(ck_cpu_simd_level()) {
          ck_force_simd_level(Int32(level))
          let packed = Buffer(ck_conv2d_packed_weight_floats(&c))
          ck_conv2d_pack_weights(&c, w.pointer, packed.pointer)
          let got = run(unsafeBitCast(ck_conv2d_packed_simd as ck_conv_fn, to: UnsafeMutableRawPointer.self), &c,
                        x: x, w: packed, b: b, r: r, outCount: outCount,
                        workspace: ck_conv2d_packed_workspace_floats(&c))
          assertClose(got, ref, tol: Tolerance.conv, "conv2d_packed_simd level \(level) shape #\(i) act \(act)")
        }
        ck_force_simd_level(-1)
      }
    }
  }

  /// (channels, side, k, stride)
  static let depthwiseShapes: [(Int, Int, Int, Int)] = [
    (16, 112, 3, 2), (24, 56, 3, 1), (24, 56, 7, 2), (40, 28, 5, 1), (64, 14, 7, 1), (96, 7, 5, 1),
    (16, 57, 3, 1), (8, 33, 5, 2), (3, 1, 3, 1), (5, 9, 7, 2), (16, 64, 3, 1), (16, 65, 7, 1), (4, 130, 3, 2),
    (8, 49, 5, 1), (8, 17, 3, 1),
  ]

  func testDepthwiseVariantsMatchReference() {
    var rng = SeededFloats(seed: 2)
    for (i, s) in Self.depthwiseShapes.enumerated() {
      for (act, withResidual) in [(CK_ACT_RELU, false), (CK_ACT_HSWISH, true), (CK_ACT_NONE, false)] {
        var c = makeConv((1, s.0, s.1, s.1, s.0, s.2, s.3, s.2 / 2), groups: s.0, act: Int32(act))
        let outCount = Int(c.n * c.cout * c.oh * c.ow)
        let x = Buffer(rng.array(Int(c.cin * c.h * c.w)))
        let w = Buffer(rng.array(Int(c.cout * c.kh * c.kw)))
        let b = Buffer(rng.array(Int(c.cout)))
        let r = withResidual ? Buffer(rng.array(outCount)) : nil
        let ref = run(unsafeBitCast(ck_dwconv_ref as ck_conv_fn, to: UnsafeMutableRawPointer.self), &c, x: x, w: w,
                      b: b, r: r, outCount: outCount, workspace: 1)
        // The general reference conv with groups = channels agrees with the depthwise reference.
        let viaConv = run(unsafeBitCast(ck_conv2d_ref as ck_conv_fn, to: UnsafeMutableRawPointer.self), &c, x: x,
                          w: w, b: b, r: r, outCount: outCount, workspace: 1)
        assertClose(viaConv, ref, tol: Tolerance.depthwise, "conv2d_ref(groups) shape #\(i)")
        let ws = ck_dwconv_workspace_floats(&c)
        for v in variants(op: "dwconv") where String(cString: v.name) != "dwconv_ref" {
          let got = run(v.fn, &c, x: x, w: w, b: b, r: r, outCount: outCount, workspace: ws)
          assertClose(got, ref, tol: Tolerance.depthwise, "\(String(cString: v.name)) shape #\(i) act \(act)")
        }
      }
    }
  }

  func testOutputSizeFormula() {
    var c = makeConv((1, 3, 225, 225, 8, 3, 2, 1), act: 0)
    XCTAssertEqual(c.oh, 113)
    c = makeConv((1, 3, 7, 7, 8, 7, 2, 3), act: 0)
    XCTAssertEqual(c.ow, 4)
  }
}
