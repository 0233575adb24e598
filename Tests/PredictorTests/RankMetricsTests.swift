import XCTest
@testable import Predictor

final class RankMetricsTests: XCTestCase {
  func testSpearmanWithTiesMatchesReference() {
    // scipy.stats.spearmanr([1,2,2,3,5],[2,1,4,4,9]) = 0.7631578947368421
    XCTAssertEqual(RankMetrics.spearman([1, 2, 2, 3, 5], [2, 1, 4, 4, 9]), 0.7631578947368421, accuracy: 1e-9)
    XCTAssertEqual(RankMetrics.ranks([3, 1, 3, 2]), [2.5, 0, 2.5, 1])
  }

  func testKendallTauBMatchesReference() {
    // scipy.stats.kendalltau([1,2,2,3,5],[2,1,4,4,9]) = 0.6666666666666666 (tau-b)
    XCTAssertEqual(RankMetrics.kendall([1, 2, 2, 3, 5], [2, 1, 4, 4, 9]), 0.6666666666666666, accuracy: 1e-9)
    XCTAssertEqual(RankMetrics.kendall([1, 2, 3], [3, 2, 1]), -1, accuracy: 1e-12)
  }

  /// The naive O(n²) τ-b, the reference for Knight's O(n log n) algorithm.
  private func naiveKendall(_ a: [Double], _ b: [Double]) -> Double {
    var c = 0.0, d = 0.0, ta = 0.0, tb = 0.0
    for i in 0..<a.count {
      for j in (i + 1)..<a.count {
        let x = a[i] - a[j], y = b[i] - b[j]
        if x == 0 && y == 0 { continue }
        if x == 0 { ta += 1 } else if y == 0 { tb += 1 } else if (x > 0) == (y > 0) { c += 1 } else { d += 1 }
      }
    }
    let den = ((c + d + ta) * (c + d + tb)).squareRoot()
    return den > 0 ? (c - d) / den : 0
  }

  func testKendallMatchesNaiveReferenceOnRandomDataWithTies() {
    var state: UInt64 = 12345
    func next() -> UInt64 {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return state >> 33
    }
    for trial in 0..<60 {
      let n = [2, 3, 5, 17, 64, 200, 401][trial % 7]
      let levels = UInt64([2, 3, 10, 1000, 1 << 30][trial % 5])  // few levels = many ties
      let a = (0..<n).map { _ in Double(next() % levels) }
      let b = a.enumerated().map { i, x in trial % 3 == 0 ? Double(next() % levels) : x + Double(next() % 3) - Double(i % 2) }
      XCTAssertEqual(RankMetrics.kendall(a, b), naiveKendall(a, b), accuracy: 1e-12, "trial \(trial), n \(n)")
    }
    XCTAssertEqual(RankMetrics.kendall([1, 1, 1], [1, 2, 3]), 0)
    XCTAssertEqual(RankMetrics.kendall([1], [1]), 0)
    var v: [Double] = [3, 1, 2, 2, 0]
    XCTAssertEqual(RankMetrics.mergeSortCountingSwaps(&v), 7)
    XCTAssertEqual(v, [0, 1, 2, 2, 3])
  }

  func testMapeAndWithin10() {
    XCTAssertEqual(RankMetrics.mape(predicted: [11, 8], measured: [10, 10]), 15, accuracy: 1e-9)
    XCTAssertEqual(RankMetrics.within10(predicted: [11, 8, 10.5], measured: [10, 10, 10]), 2.0 / 3, accuracy: 1e-12)
  }

  func testRidgeSolverMatchesKnownSystem() {
    // 2x + y = 5, x + 3y = 10 → x = 1, y = 3
    let w = Evaluator.solve([[2, 1, 5], [1, 3, 10]])
    XCTAssertEqual(w[0], 1, accuracy: 1e-12)
    XCTAssertEqual(w[1], 3, accuracy: 1e-12)
  }
}
