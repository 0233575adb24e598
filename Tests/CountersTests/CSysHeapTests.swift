import CSys
import XCTest

/// `csys_keep_heap`: the glibc allocator hint `AdaptedPredictor.keepBatchBuffersOnHeap` sets (`helpprof predict`).
final class CSysHeapTests: XCTestCase {
  func testKeepHeapIsAcceptedAndAllocationsStillWork() {
    #if canImport(Glibc)
    XCTAssertEqual(csys_keep_heap(64 << 20), 1)
    #endif
    // Large temporary buffers are still allocated, zeroed and freed normally afterwards.
    for _ in 0..<3 {
      let a = [Float](repeating: 0, count: 2 << 20)
      XCTAssertEqual(a.count, 2 << 20)
      XCTAssertEqual(a.reduce(0, +), 0)
    }
  }
}
