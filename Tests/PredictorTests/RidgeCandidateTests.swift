import Foundation
@testable import Predictor
import SearchSpace
import XCTest

/// The second ridge candidate (cell op counts appended) and the one-standard-error choice between candidates.
final class RidgeCandidateTests: XCTestCase {
  func testArchFeaturesCountOpsOnAllAndLiveEdges() throws {
    // |nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|: node 3 only from node 2, which
    // only comes from node 1 by skip: conv3x3 (0→1), skip (1→2), pool (2→3) are live; the rest are none.
    let c = try NB201Cell(archString: "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|")
    XCTAssertEqual(SourceRidge.nb201ArchFeatures(c), [1, 0, 1, 1, 1, 0, 1, 1])
    // A dead conv1x1 (0→2 while node 2 has no path to the output... here node 2 → 3 is none): counted, not live.
    let d = try NB201Cell(archString: "|nor_conv_3x3~0|+|nor_conv_1x1~0|none~1|+|nor_conv_3x3~0|none~1|none~2|")
    XCTAssertEqual(SourceRidge.nb201ArchFeatures(d), [0, 1, 2, 0, 0, 0, 1, 0])
  }

  func testExtraFeaturesJoinTheRidge() {
    // Device = exp(0.5 · feature): no source explains it, the extra feature does.
    let n = 60
    var rng = SplitMix64(seed: 3)
    let s = (0..<n).map { _ in Foundation.exp(Double(rng.next() % 1000) / 250) }
    let f = (0..<n).map { Double($0 % 7) }
    let device = f.map { Foundation.exp(0.5 * $0) }
    let plain = SourceRidge(columns: [s], needed: Array(0..<n))
    let rich = SourceRidge(columns: [s], needed: Array(0..<n), extra: f.map { [$0] })
    XCTAssertEqual(rich.sourceCount, 2)
    let support = Array(0..<20)
    let pf = plain.fit(support, ms: support.map { device[$0] }), rf = rich.fit(support, ms: support.map { device[$0] })
    var ePlain = 0.0, eRich = 0.0
    for a in 20..<n {
      ePlain += abs(plain.predictLn(pf, arch: a) - Foundation.log(device[a]))
      eRich += abs(rich.predictLn(rf, arch: a) - Foundation.log(device[a]))
    }
    XCTAssertLessThan(eRich, 0.2 * ePlain)
  }

  func testOneStandardErrorRule() {
    let truth = (0..<20).map { Double($0) / 10 }
    let meta = truth.map { $0 + 1 }                         // far off: w = 0 for both candidates
    let first = truth.enumerated().map { $1 + ($0 % 2 == 0 ? 0.2 : -0.2) }
    // Clearly better everywhere: taken.
    let better = truth.enumerated().map { $1 + ($0 % 2 == 0 ? 0.05 : -0.05) }
    let c1 = BlendSelector.chooseAmong(metaLn: meta, ridgeLn: [first, better], truthLn: truth)
    XCTAssertEqual(c1.ridge, 1)
    XCTAssertEqual(c1.metaWeight, 0)
    // Better on average only through one lucky point, worse elsewhere: below one standard error, not taken.
    var lucky = first.map { $0 + 0.0 }
    for i in 0..<20 { lucky[i] = truth[i] + (i % 2 == 0 ? 0.21 : -0.21) }
    lucky[0] = truth[0]
    let c2 = BlendSelector.chooseAmong(metaLn: meta, ridgeLn: [first, lucky], truthLn: truth)
    XCTAssertEqual(c2.ridge, 0)
    // One candidate: the same as choose.
    XCTAssertEqual(BlendSelector.chooseAmong(metaLn: meta, ridgeLn: [first], truthLn: truth),
                   BlendSelector.choose(metaLn: meta, ridgeLn: first, truthLn: truth))
  }
}
