import Foundation
import SearchSpace
import XCTest
@testable import Predictor

/// `evaluate --shot-selection`: how the honest protocol picks the shots besides the references.
final class ShotStrategyTests: XCTestCase {
  /// Against a naive reference: one candidate from each equal-size rank stratum of the score, in score order.
  func testStratifiedDrawsOnePerStratum() {
    var rng = SplitMix64(seed: 42)
    let candidates = (0..<103).map { ($0 * 37) % 103 }          // a permutation of 0..<103
    let score: (Int) -> Double = { Double(($0 * 7919) % 101) }  // with ties
    let picks = ShotStrategy.stratified(candidates, score: score, count: 10, next: { rng.next() })
    XCTAssertEqual(picks.count, 10)
    XCTAssertEqual(Set(picks).count, 10)
    let ordered = candidates.sorted { (score($0), $0) < (score($1), $1) }
    for (s, p) in picks.enumerated() {
      let stratum = ordered[(s * 103 / 10)..<((s + 1) * 103 / 10)]
      XCTAssertTrue(stratum.contains(p), "pick \(p) not in stratum \(s)")
    }
    // Same seed, same picks; fewer candidates than shots: all of them; no shots: none.
    var again = SplitMix64(seed: 42)
    XCTAssertEqual(ShotStrategy.stratified(candidates, score: score, count: 10, next: { again.next() }), picks)
    XCTAssertEqual(Set(ShotStrategy.stratified([4, 2, 9], score: score, count: 5, next: { rng.next() })), [2, 4, 9])
    XCTAssertEqual(ShotStrategy.stratified(candidates, score: score, count: 0, next: { rng.next() }), [])
  }

  /// Every strategy measures exactly the budget (references + shots) and gives finite metrics; `macs` picks span
  /// the MACs range of the candidates.
  func testEveryStrategyKeepsTheBudget() throws {
    let data = try LatencyDataset(space: .nb201, directory: repoDatasets)
    let model = try MetaPredictor.loadBundled(space: .nb201)
    let lat = try data.latencies(device: "fpga")
    // A partially measured device keeps the test fast: references + 300 archs.
    var measured = [Double?](repeating: nil, count: data.archCount)
    for i in model.referenceIndices + Array(2000..<2300) { measured[i] = lat[i] }
    let target = TargetDevice(name: "fpga-part", latency: measured)
    for strategy in ShotStrategy.allCases {
      var ev = try Evaluator(data: data, model: model, protocolKind: .honest, budget: 16, shots: 6, ridgeSources: [])
      ev.shotStrategy = strategy
      let r = try ev.evaluate(target, seed: 1)
      let m = try XCTUnwrap(r["predictor"])
      XCTAssertTrue(m.spearman.isFinite && m.mape.isFinite, "\(strategy)")
      XCTAssertGreaterThan(m.spearman, 0.5, "\(strategy)")
    }
    let macs = try Evaluator.macsOf(data.archs)
    var rng = SplitMix64(seed: 3)
    let pool = Array(2000..<2300)
    let picks = ShotStrategy.stratified(pool, score: { macs[$0] }, count: 6, next: { rng.next() })
    let sorted = pool.map { macs[$0] }.sorted()
    XCTAssertLessThanOrEqual(macs[picks[0]], sorted[pool.count / 6])
    XCTAssertGreaterThanOrEqual(macs[picks[5]], sorted[5 * pool.count / 6])
  }
}
