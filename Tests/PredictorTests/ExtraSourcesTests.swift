import Foundation
import SearchSpace
import XCTest
@testable import Predictor

/// `meta-train --extra-sources`: profiler CSVs as extra, partially measured source devices (issue #7).
final class ExtraSourcesTests: XCTestCase {
  /// A synthetic profiler CSV for `device` over `indices` (latency = 1 + index / 1000 ms), plus an unfinished row.
  func csv(device: String, indices: [Int]) throws -> String {
    var text = "source,device,dataset,arch_index,arch_str,latency_ms,p10_ms\n"
    for i in indices {
      let cell = try NB201Index.cell(at: i)
      text += "helpprof,\(device),cifar10,\(i),\(cell.archString),\(1 + Double(i) / 1000),0.9\n"
    }
    return text + "helpprof,\(device),cifar10,7,|nor_conv"  // a row still being written
  }

  func testLoadsMeasuredArchsAndTrainsOnThem() throws {
    let data = try LatencyDataset(space: .nb201, directory: repoDatasets)
    let refs = data.helpReferences
    let extraIdx = refs + Array(100..<160)
    let devs = try ExtraSources.parse(text: try csv(device: "pool-a", indices: extraIdx), origin: "a.csv", data: data,
                                      references: refs)
    XCTAssertEqual(devs.map(\.name), ["pool-a"])
    let measured = (0..<data.archCount).filter { devs[0].latency[$0] != nil }
    XCTAssertEqual(measured, extraIdx.sorted())
    XCTAssertEqual(devs[0].latency[120] ?? 0, 1.12, accuracy: 1e-12)
    XCTAssertNil(devs[0].latency[7])  // the unfinished last row is skipped

    let merged = try data.adding(devs)
    XCTAssertEqual(merged.devices, data.devices + ["pool-a"])
    let lat = try merged.latencies(device: "pool-a")
    XCTAssertEqual(lat[150], 1.15, accuracy: 1e-6)
    XCTAssertTrue(lat[99].isNaN)
    // Public columns are unchanged by the merge.
    XCTAssertEqual(try merged.latencies(device: "gold_6226"), try data.latencies(device: "gold_6226"))
    XCTAssertThrowsError(try merged.adding(devs))  // duplicate device name

    // Tasks of the extra source only use measured archs (else NaN targets would make the loss NaN).
    var o = MetaTrainingOptions()
    o.episodes = 3
    o.metaBatch = 2
    o.queryCount = 80  // more than the 60 measured non-reference archs: capped, no endless loop
    o.shots = 3
    o.references = refs
    o.sources = ["pool-a", data.metaTrain[0]]
    let trainer = try MetaTrainer(data: merged, config: NetworkConfig(space: .nb201, liveFeature: true, hwDim: 10,
                                                                      zModulator: false), options: o)
    let task = try trainer.makeTask(source: 0)
    XCTAssertEqual(task.support.count, 13)
    XCTAssertEqual(task.query.count, 57)
    XCTAssertTrue(task.queryY.data.allSatisfy { $0.isFinite })
    var losses: [Float] = []
    try trainer.train { _, l in losses.append(l) }
    XCTAssertEqual(losses.count, 3)
    XCTAssertTrue(losses.allSatisfy { $0.isFinite })
  }

  /// `extraShare` fixes how many of each meta-batch come from the extra sources; without it, all sources alike.
  func testExtraShareSetsTheBatchComposition() throws {
    let data = try LatencyDataset(space: .nb201, directory: repoDatasets)
    let refs = data.helpReferences
    let devs = try ["pool-a", "pool-b", "pool-c"].map {
      try ExtraSources.parse(text: try csv(device: $0, indices: refs + Array(100..<140)), origin: "\($0).csv", data: data,
                             references: refs)[0]
    }
    let merged = try data.adding(devs)
    var o = MetaTrainingOptions()
    o.metaBatch = 8
    o.references = refs
    o.sources = Array(data.metaTrain.prefix(6)) + devs.map(\.name)
    o.extraSourceCount = 3
    let config = NetworkConfig(space: .nb201, liveFeature: true, hwDim: refs.count, zModulator: false)
    o.extraShare = 0.5
    let half = try MetaTrainer(data: merged, config: config, options: o)
    for _ in 0..<20 {
      let b = half.drawBatch()
      XCTAssertEqual(b.count, 8)                    // 3 extra (4 asked, only 3 exist) + 5 public
      XCTAssertEqual(Set(b).count, b.count)         // distinct sources
      XCTAssertEqual(b.filter { $0 >= 6 }.count, 3)
    }
    o.extraShare = 0.25
    let quarter = try MetaTrainer(data: merged, config: config, options: o)
    for _ in 0..<20 { XCTAssertEqual(quarter.drawBatch().filter { $0 >= 6 }.count, 2) }
    o.extraShare = nil
    let uniform = try MetaTrainer(data: merged, config: config, options: o)
    XCTAssertEqual(Set((0..<50).flatMap { _ in uniform.drawBatch() }), Set(0..<9))
  }

  /// The shared CSV reader: devices in order of appearance, repeated rows averaged, a complete last row without its
  /// newline kept, a torn one (fewer fields) skipped, bad latencies rejected with the line number.
  func testLatencyTableReadsEveryDevice() throws {
    let data = try LatencyDataset(space: .nb201, directory: repoDatasets)
    let c5 = try NB201Index.cell(at: 5).archString, c6 = try NB201Index.cell(at: 6).archString
    let head = "device,arch_index,arch_str,latency_ms\n"
    let text = head + "b,5,\(c5),2.0\na,5,\(c5),1.0\nb,5,\(c5),4.0\na,-1,\(c6),3.0"
    let devs = try LatencyTable.parse(text: text, origin: "t.csv", data: data)
    XCTAssertEqual(devs.map(\.name), ["b", "a"])
    XCTAssertEqual(devs[0].latency[5] ?? 0, 3.0, accuracy: 1e-12)   // mean of 2 and 4
    XCTAssertEqual(devs[1].latency[6] ?? 0, 3.0, accuracy: 1e-12)   // found by arch string, unterminated row kept
    let torn = try LatencyTable.parse(text: head + "a,5,\(c5),1.0\na,6,|nor_con", origin: "t.csv", data: data)
    XCTAssertEqual(torn[0].latency.compactMap { $0 }.count, 1)
    XCTAssertThrowsError(try LatencyTable.parse(text: head + "a,5,\(c5),-1\n", origin: "t.csv", data: data)) { e in
      XCTAssertTrue("\(e)".contains("t.csv:2") && "\(e)".contains("-1"), "\(e)")
    }
  }

  func testMissingReferenceIsRejected() throws {
    let data = try LatencyDataset(space: .nb201, directory: repoDatasets)
    let refs = data.helpReferences
    let text = try csv(device: "pool-b", indices: Array(refs.dropFirst(2)) + [100, 101])
    XCTAssertThrowsError(try ExtraSources.parse(text: text, origin: "b.csv", data: data, references: refs)) { e in
      let m = "\(e)"
      XCTAssertTrue(m.contains("pool-b") && m.contains("\(refs[0])") && m.contains("\(refs[1])"), m)
    }
    XCTAssertThrowsError(try ExtraSources.parse(text: "device,arch_str\n", origin: "c.csv", data: data, references: refs))
  }
}
