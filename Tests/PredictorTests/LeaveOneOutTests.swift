import Foundation
import SearchSpace
import XCTest
@testable import Predictor

/// The meta-predictor's leave-one-out predictions (the blend choice's input) against a naive loop.
final class LeaveOneOutTests: XCTestCase {
  func testLeaveOneOutMatchesANaiveLoopAndReimputesOnlyReferences() throws {
    let data = try LatencyDataset(space: .nb201, directory: repoDatasets)
    let model = try MetaPredictor.loadBundled(space: .nb201)
    let lat = try data.latencies(device: "fpga")
    let idx = model.referenceIndices + [2000, 2001, 2002]
    let support = idx.map { (arch: data.archs[$0], latencyMs: lat[$0]) }
    let refMs = model.referenceIndices.map { lat[$0] }
    let norm = try model.normaliser(referenceMs: refMs)
    func naive(_ i: Int, _ n: DeviceNormaliser) throws -> Double {
      var s = support
      s.remove(at: i)
      let a = try model.adapt(support: s, normaliser: n, steps: 4, seed: 3)
      return Foundation.log(try a.predictMetaMsUnchecked([support[i].arch])[0])
    }
    let plain = try model.leaveOneOutLn(support: support, normaliser: norm, steps: 4, seed: 3)
    XCTAssertEqual(plain.count, support.count)
    for i in [0, 5, 11] { XCTAssertEqual(plain[i], try naive(i, norm), accuracy: 1e-9) }
    // Re-imputed: a left-out reference gets a normaliser with its latency replaced (here by twice the truth).
    let free = try model.leaveOneOutLn(support: support, normaliser: norm,
                                       embedding: .reimputed(referenceMs: refMs, imputeMs: { 2 * support[$0].latencyMs }),
                                       steps: 4, seed: 3)
    var twice = refMs
    twice[3] *= 2
    XCTAssertEqual(free[3], try naive(3, try model.normaliser(referenceMs: twice)), accuracy: 1e-9)
    XCTAssertNotEqual(free[3], plain[3])
    XCTAssertEqual(free[11], plain[11], accuracy: 1e-12, "a shot is not a reference: nothing to re-impute")
    XCTAssertThrowsError(try model.leaveOneOutLn(support: support, normaliser: norm,
                                                 embedding: .reimputed(referenceMs: refMs, imputeMs: { _ in .nan }),
                                                 steps: 4, seed: 3))
  }
}
