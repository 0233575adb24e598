import Foundation
@testable import Predictor
import XCTest

/// The blend rules compared on validation folds (`BlendRule`): each on synthetic LOO predictions with a known answer.
final class BlendRuleTests: XCTestCase {
  let truth = (0..<20).map { Double($0) / 10 }

  func testWeightsMixInLnSpace() {
    let w = BlendRule.Weights(metaWeight: 0.5, archShare: 0.5)
    XCTAssertEqual(w.blend(metaLn: [2], plainLn: [0], archLn: [4]), [2])   // 0.5·2 + 0.5·(0.5·0 + 0.5·4)
    // w = 1 keeps the meta value itself (even NaN, which the clamp then handles); w = 0 ignores it.
    XCTAssertTrue(BlendRule.Weights(metaWeight: 1, archShare: 0).blend(metaLn: [.nan], plainLn: [1], archLn: [1])[0].isNaN)
    XCTAssertEqual(BlendRule.Weights(metaWeight: 0, archShare: 1).blend(metaLn: [.nan], plainLn: [1], archLn: [7]), [7])
  }

  func testFixedRulesIgnoreTheData() {
    let off = truth.map { $0 + 5 }
    XCTAssertEqual(BlendRule.half.choose(metaLn: off, plainLn: truth, archLn: truth, truthLn: truth),
                   .init(metaWeight: 0.5, archShare: 0))
    let t = BlendRule.thirds.choose(metaLn: truth, plainLn: off, archLn: off, truthLn: truth)
    XCTAssertEqual(t.metaWeight, 1.0 / 3, accuracy: 1e-12)
    XCTAssertEqual(t.archShare, 0.5)
  }

  func testSimplexFindsTheRightComponentAndTiesGoToMeta() {
    let off = truth.map { $0 + 1 }
    XCTAssertEqual(BlendRule.simplex.choose(metaLn: off, plainLn: off, archLn: truth, truthLn: truth),
                   .init(metaWeight: 0, archShare: 1))
    XCTAssertEqual(BlendRule.simplex.choose(metaLn: off, plainLn: truth, archLn: off, truthLn: truth),
                   .init(metaWeight: 0, archShare: 0))
    // Errors +d and −d cancel at 0.5 / 0.5 meta and plain ridge.
    let up = truth.map { $0 + 0.3 }, down = truth.map { $0 - 0.3 }
    XCTAssertEqual(BlendRule.simplex.choose(metaLn: up, plainLn: down, archLn: off, truthLn: truth),
                   .init(metaWeight: 0.5, archShare: 0))
    // All equal: ties go to the meta-predictor alone.
    XCTAssertEqual(BlendRule.simplex.choose(metaLn: truth, plainLn: truth, archLn: truth, truthLn: truth),
                   .init(metaWeight: 1, archShare: 0))
  }

  func testMetaFirstNeedsOneStandardError() {
    // The ridge is clearly better on every point: taken.
    let metaOff = truth.map { $0 + 0.5 }
    XCTAssertEqual(BlendRule.looMetaFirst.choose(metaLn: metaOff, plainLn: truth, archLn: metaOff, truthLn: truth),
                   .init(metaWeight: 0, archShare: 0))
    // Better on average through one point only: the meta-predictor stays.
    var meta = truth.enumerated().map { $1 + ($0 % 2 == 0 ? 0.1 : -0.1) }
    meta[0] = truth[0] + 1
    let ridge = truth.enumerated().map { $1 + ($0 % 2 == 0 ? 0.12 : -0.12) }
    XCTAssertLessThan(BlendRule.loo.choose(metaLn: meta, plainLn: ridge, archLn: ridge, truthLn: truth).metaWeight, 1)
    XCTAssertEqual(BlendRule.looMetaFirst.choose(metaLn: meta, plainLn: ridge, archLn: ridge, truthLn: truth),
                   .init(metaWeight: 1, archShare: 0))
  }

  func testLooIsTheProductRule() {
    let off = truth.map { $0 + 1 }
    let c = BlendSelector.chooseAmong(metaLn: off, ridgeLn: [truth, off], truthLn: truth)
    let r = BlendRule.loo.choose(metaLn: off, plainLn: truth, archLn: off, truthLn: truth)
    XCTAssertEqual(r.metaWeight, c.metaWeight)
    XCTAssertEqual(r.archShare, c.ridge == 1 ? 1 : 0)
  }

  func testRankRuleFollowsTheOrderNotTheSquaredError() {
    // The meta-predictor is close in squared error but reverses the order; the ridge keeps the order with a
    // larger constant offset: LOO squared error picks the meta-predictor, LOO rank picks the ridge.
    let t = (0..<20).map { Double($0) / 100 }
    let meta = t.reversed().map { $0 }
    let ridge = t.map { $0 + 0.4 }
    XCTAssertEqual(BlendRule.looPlain.choose(metaLn: meta, plainLn: ridge, archLn: ridge, truthLn: t).metaWeight, 1)
    // (w = 0.25 still ranks perfectly: 0.75 · ridge outweighs 0.25 · the reversed order; ties go to the larger w.)
    XCTAssertEqual(BlendRule.looRank.choose(metaLn: meta, plainLn: ridge, archLn: ridge, truthLn: t).metaWeight, 0.25)
    // Equal ranks: ties go to the meta-predictor.
    XCTAssertEqual(BlendRule.looRank.choose(metaLn: t, plainLn: ridge, archLn: ridge, truthLn: t).metaWeight, 1)
  }
}
