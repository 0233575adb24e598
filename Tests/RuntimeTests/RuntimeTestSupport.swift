import Foundation
import Runtime
import SearchSpace
import XCTest

/// Relative tolerance for whole-network comparisons: max |a − b| ≤ tol · max |b|.
enum NetworkTolerance {
  /// Different kernel configurations (summation order differs).
  static let kernels: Float = 1e-4
  /// Folded BN against separate BN.
  static let foldBN: Float = 1e-4
}

func assertRelativelyClose(_ a: [Float], _ b: [Float], tol: Float, _ what: String, file: StaticString = #filePath,
                           line: UInt = #line) {
  XCTAssertEqual(a.count, b.count, what, file: file, line: line)
  let scale = max(b.map { abs($0) }.max() ?? 0, 1e-6)
  var diff: Float = 0
  for (x, y) in zip(a, b) { diff = max(diff, abs(x - y).isNaN ? .infinity : abs(x - y)) }
  XCTAssertLessThanOrEqual(diff / scale, tol, "\(what): max diff \(diff), max |ref| \(scale)", file: file, line: line)
}

/// The repository root (for kernels/configs), found from this file's path.
var repositoryRoot: URL {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// A small OFA config (r = 128 keeps debug-build tests fast).
func smallOFA(width: OFAWidth = .w10, resolution: Int = 128) -> OFAConfig {
  OFAConfig(ks: [3, 5, 7, 3, 5, 7, 3, 5, 7, 3, 5, 7, 3, 5, 7, 3, 5, 7, 3, 5],
            e: [3, 4, 6, 3, 4, 6, 3, 4, 6, 3, 4, 6, 3, 4, 6, 3, 4, 6, 3, 4],
            d: [2, 3, 2, 4, 2], resolution: resolution, width: width)
}
