import CKernels
import XCTest

/// GEMM variants against the naive reference, including sizes at and around the micro-tile and cache-block
/// edges (MR 4/6, NR 16/32, KC 256, NC 2048), leading dimensions larger than the width, and accumulate mode.
final class GemmKernelTests: XCTestCase {
  static let sizes: [(m: Int, n: Int, k: Int)] = [
    (1, 1, 1), (6, 32, 1), (7, 33, 5), (5, 15, 17), (16, 1024, 144), (64, 64, 576), (13, 31, 257),
    (144, 49, 24), (40, 196, 144), (12, 2050, 3), (1, 100, 300), (100, 1, 40),
  ]

  func testVariantsMatchReference() {
    var rng = SeededFloats(seed: 3)
    for (m, n, k) in Self.sizes {
      for accumulate: Int32 in [0, 1] {
        let lda = k + 3, ldb = n + 5, ldc = n + 2
        let a = Buffer(rng.array(m * lda)), b = Buffer(rng.array(k * ldb))
        let c0 = rng.array(m * ldc)
        let ref = Buffer(c0)
        ck_gemm_ref(Int32(m), Int32(n), Int32(k), a.pointer, Int32(lda), b.pointer, Int32(ldb), ref.pointer,
                    Int32(ldc), accumulate, nil)
        let ws = Buffer(ck_gemm_workspace_floats(Int32(m), Int32(n), Int32(k)))
        for v in variants(op: "gemm") where String(cString: v.name) != "gemm_ref" {
          let fn = unsafeBitCast(v.fn, to: ck_gemm_fn.self)
          let got = Buffer(c0)
          fn(Int32(m), Int32(n), Int32(k), a.pointer, Int32(lda), b.pointer, Int32(ldb), got.pointer, Int32(ldc),
             accumulate, ws.pointer)
          // Compare only the m × n window; the padding columns must be untouched.
          assertClose(got.array, ref.array, tol: Tolerance.gemm,
                      "\(String(cString: v.name)) m \(m) n \(n) k \(k) acc \(accumulate)")
        }
      }
    }
  }

  func testRegistryIsConsistent() {
    let count = Int(ck_variant_count())
    XCTAssertGreaterThanOrEqual(count, 16)
    var names = Set<String>()
    for i in 0..<count {
      guard let v = ck_variant_at(Int32(i))?.pointee else { return XCTFail("variant \(i) missing") }
      let name = String(cString: v.name)
      XCTAssertTrue(names.insert(name).inserted, "duplicate variant \(name)")
      XCTAssertTrue(["conv2d", "conv2d_packed", "dwconv", "gemm", "linear"].contains(String(cString: v.op)), name)
      XCTAssertNotNil(v.fn, name)
      XCTAssertEqual(ck_variant_named(v.name)?.pointee.fn, v.fn, name)
    }
    XCTAssertNil(ck_variant_named("no_such_kernel"))
    XCTAssertNil(ck_variant_at(Int32(count)))
  }

  func testSimdLevel() {
    let level = ck_cpu_simd_level()
    XCTAssertTrue((0...2).contains(level))
    XCTAssertTrue(["avx512", "avx2+fma", "portable"].contains(String(cString: ck_simd_level_name())))
    ck_force_simd_level(0)
    XCTAssertEqual(String(cString: ck_simd_level_name()), "portable")
    ck_force_simd_level(-1)
    XCTAssertEqual(ck_simd_level(), level)
  }
}
