import Counters
import XCTest

/// SampleStats against a naive reference on seeded inputs.
final class SampleStatsTests: XCTestCase {
  /// numpy "linear" quantile written the slow, obvious way.
  private func naiveQuantile(_ xs: [Double], _ q: Double) -> Double {
    var s = xs
    // insertion sort: independent of the library's sort
    for i in 1..<s.count {
      var j = i
      while j > 0 && s[j - 1] > s[j] { s.swapAt(j - 1, j); j -= 1 }
    }
    let h = Double(s.count - 1) * q
    let lo = Int(h)
    let hi = min(lo + 1, s.count - 1)
    return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
  }

  func testMatchesNaiveReferenceOnSeededInputs() throws {
    var state: UInt64 = 42
    func next() -> Double {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Double(state >> 11) / Double(1 << 53)
    }
    for n in [1, 2, 3, 7, 10, 31, 100] {
      let xs = (0..<n).map { _ in 1 + next() * 5 }
      let s = try XCTUnwrap(SampleStats(xs))
      XCTAssertEqual(s.count, n)
      XCTAssertEqual(s.min, xs.min()!, accuracy: 1e-12)
      XCTAssertEqual(s.max, xs.max()!, accuracy: 1e-12)
      XCTAssertEqual(s.mean, xs.reduce(0, +) / Double(n), accuracy: 1e-12)
      for (q, v) in [(0.1, s.p10), (0.25, s.p25), (0.5, s.median), (0.75, s.p75), (0.9, s.p90)] {
        XCTAssertEqual(v, naiveQuantile(xs, q), accuracy: 1e-12, "n=\(n) q=\(q)")
      }
      XCTAssertEqual(s.iqr, naiveQuantile(xs, 0.75) - naiveQuantile(xs, 0.25), accuracy: 1e-12)
      let med = naiveQuantile(xs, 0.5)
      XCTAssertEqual(s.mad, naiveQuantile(xs.map { abs($0 - med) }, 0.5), accuracy: 1e-12)
    }
  }

  func testRejectsEmptyAndNonFinite() {
    XCTAssertNil(SampleStats([]))
    XCTAssertNil(SampleStats([1, .nan]))
    XCTAssertNil(SampleStats([1, .infinity]))
  }

  func testRelativeIQR() throws {
    let s = try XCTUnwrap(SampleStats([1, 2, 3, 4, 5]))
    XCTAssertEqual(s.relativeIQR, 2.0 / 3.0, accuracy: 1e-12)
    XCTAssertEqual(try XCTUnwrap(SampleStats([0, 0, 0])).relativeIQR, 0)
  }
}
