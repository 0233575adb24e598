import CKernels
import XCTest

/// Tolerances, in one place: max |got − ref| ≤ tol · max(1, max |ref|).
enum Tolerance {
  static let conv: Float = 1e-4
  static let depthwise: Float = 1e-5
  static let gemm: Float = 1e-4
  static let elementwise: Float = 1e-6
  static let linear: Float = 1e-4
}

/// Seeded uniform floats in [-1, 1) (SplitMix64), so every test input is reproducible.
struct SeededFloats {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> Float {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Float(z >> 40) / Float(1 << 23) - 1
  }
  mutating func array(_ n: Int) -> [Float] { (0..<n).map { _ in next() } }
}

/// 64-byte aligned float buffer (the SIMD kernels may use aligned stores on workspace).
final class Buffer {
  let pointer: UnsafeMutablePointer<Float>
  let count: Int
  init(_ count: Int, fill: Float = .nan) {
    self.count = max(count, 1)
    let raw = UnsafeMutableRawPointer.allocate(byteCount: self.count * 4, alignment: 64)
    pointer = raw.bindMemory(to: Float.self, capacity: self.count)
    pointer.initialize(repeating: fill, count: self.count)
  }
  convenience init(_ values: [Float]) {
    self.init(values.count)
    for (i, v) in values.enumerated() { pointer[i] = v }
  }
  var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
  deinit { pointer.deallocate() }
}

/// Asserts max |a − b| ≤ tol · max(1, max |b|) and that a has no NaN (unwritten outputs are NaN-poisoned).
func assertClose(_ a: [Float], _ b: [Float], tol: Float, _ what: String, file: StaticString = #filePath,
                 line: UInt = #line) {
  XCTAssertEqual(a.count, b.count, what, file: file, line: line)
  var maxRef: Float = 0, maxDiff: Float = 0
  for (x, y) in zip(a, b) {
    maxRef = max(maxRef, abs(y))
    let d = abs(x - y)
    if d.isNaN { maxDiff = .infinity } else { maxDiff = max(maxDiff, d) }
  }
  XCTAssertLessThanOrEqual(maxDiff, tol * max(1, maxRef), "\(what): max diff \(maxDiff), max |ref| \(maxRef)",
                           file: file, line: line)
}

/// Registry variants of one op that this CPU can run.
func variants(op: String) -> [ck_variant] {
  (0..<ck_variant_count()).compactMap { i -> ck_variant? in
    guard let v = ck_variant_at(i)?.pointee, String(cString: v.op) == op,
          Int(v.min_level) <= Int(ck_cpu_simd_level()) else { return nil }
    return v
  }
}
