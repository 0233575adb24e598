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
