import Foundation
import SearchSpace
import XCTest
@testable import Predictor

/// `meta-train --mix-share`: synthetic source devices interpolated (in log-latency) between two real ones.
final class DeviceMixTests: XCTestCase {
  func makeTrainer(mixShare: Double) throws -> (MetaTrainer, LatencyDataset, [Int]) {
    let data = try LatencyDataset(space: .nb201, directory: repoDatasets)
    let refs = data.helpReferences
    // A partially measured extra source: latency = 1 + index / 1000 ms on the references and 60 more archs.
    var text = "source,device,dataset,arch_index,arch_str,latency_ms\n"
    for i in refs + Array(100..<160) {
      text += "helpprof,pool-a,cifar10,\(i),\(try NB201Index.cell(at: i).archString),\(1 + Double(i) / 1000)\n"
    }
    let merged = try data.adding(try ExtraSources.parse(text: text, origin: "a.csv", data: data, references: refs))
    var o = tinyOptions(references: refs, sources: ["pool-a", data.metaTrain[0]], queryCount: 80)
    o.mixShare = mixShare
    let config = NetworkConfig(space: .nb201, liveFeature: true, hwDim: refs.count, zModulator: false)
    return (try MetaTrainer(data: merged, config: config, options: o), merged, refs)
  }

  /// The synthetic device's embedding is that of the interpolated reference latencies, and its tasks use only the
  /// archs both devices measured.
  func testMixedTaskInterpolatesLogLatencies() throws {
    let (trainer, data, refs) = try makeTrainer(mixShare: 0.5)
    let a = try data.latencies(device: "pool-a"), b = try data.latencies(device: data.metaTrain[0])
    for alpha in [0.0, 0.3, 1.0] {
      let task = try trainer.makeTask(source: 1, mix: (partner: 0, alpha: alpha))
      let mixed = refs.map { Foundation.exp((1 - alpha) * Foundation.log(a[$0]) + alpha * Foundation.log(b[$0])) }
      let expected = try DeviceNormaliser(recipe: .logRef, referenceMs: mixed).embedding
      for (x, y) in zip(task.hw.data, expected) { XCTAssertEqual(x, y, accuracy: 1e-5) }
      XCTAssertEqual(task.support.count, refs.count + 3)
      XCTAssertEqual(task.query.count, 57)   // pool-a's 60 non-reference archs minus the 3 shots
      XCTAssertTrue(task.queryY.data.allSatisfy { $0.isFinite })
    }
    // α = 1 is the drawn source itself: same embedding as its plain task.
    let plain = try trainer.makeTask(source: 1)
    let one = try trainer.makeTask(source: 1, mix: (partner: 0, alpha: 1))
    XCTAssertEqual(plain.hw.data, one.hw.data)
  }

  /// `mixShare` 0 never mixes; 1 always does, with another source and α in [0, 1); training stays finite.
  func testMixShareControlsSyntheticTasks() throws {
    let (never, _, _) = try makeTrainer(mixShare: 0)
    for k in 0..<2 { for _ in 0..<20 { XCTAssertNil(never.drawMix(for: k)) } }
    let (always, _, _) = try makeTrainer(mixShare: 1)
    for k in 0..<2 {
      for _ in 0..<20 {
        let m = try XCTUnwrap(always.drawMix(for: k))
        XCTAssertNotEqual(m.partner, k)
        XCTAssertTrue((0..<1).contains(m.alpha))
      }
    }
    var losses: [Float] = []
    try always.train { _, l in losses.append(l) }
    XCTAssertEqual(losses.count, 2)
    XCTAssertTrue(losses.allSatisfy { $0.isFinite })
  }
}
