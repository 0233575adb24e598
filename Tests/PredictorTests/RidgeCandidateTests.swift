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

  /// λ by LOO: the grid value whose naive leave-one-out error (refit without each point) is least, ties to the larger.
  func testLambdaByLOOPicksTheNaiveLOOMinimum() {
    let n = 40
    var rng = SplitMix64(seed: 9)
    let cols = (0..<3).map { _ in (0..<n).map { _ in Foundation.exp(Double(rng.next() % 1000) / 400) } }
    let device = (0..<n).map { a in cols[0][a] * Foundation.pow(cols[1][a], 0.5) * (1 + Double(a % 5) / 50) }
    let r = SourceRidge(columns: cols, needed: Array(0..<n))
    let support = Array(0..<20), ms = support.map { device[$0] }
    let grid = [0.01, 0.1, 1, 10]
    func naive(_ l: Double) -> (err: Double, loo: [Double]) {
      let rl = r.withLambda(l)
      let loo = support.indices.map { i -> Double in
        let f = support.enumerated().filter { $0.offset != i }.map(\.element)
        return rl.predictLn(rl.fit(f, ms: f.map { device[$0] }), arch: support[i])
      }
      let e = zip(loo, ms).map { ($0 - Foundation.log($1)) * ($0 - Foundation.log($1)) }.reduce(0, +) / 20
      return (e, loo)
    }
    let errs = grid.map { naive($0).err }
    let best = grid.indices.min { errs[$0] < errs[$1] || (errs[$0] == errs[$1] && grid[$0] > grid[$1]) } ?? 0
    let got = r.lambdaByLOO(support, ms: ms, grid: grid)
    XCTAssertEqual(got.ridge.lambda, grid[best])
    for (a, b) in zip(got.loo, naive(grid[best]).loo) { XCTAssertEqual(a, b, accuracy: 1e-12) }
    XCTAssertEqual(got.ridge.features, r.features)
    XCTAssertEqual(r.withLambda(3).lambda, 3)
    // An equal error everywhere (no source): the largest λ.
    let none = SourceRidge(columns: [], needed: [], archCount: n)
    XCTAssertEqual(none.lambdaByLOO(support, ms: ms, grid: grid).ridge.lambda, 10)
  }
}
