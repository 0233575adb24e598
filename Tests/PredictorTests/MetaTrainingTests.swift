import AutoDiff
import Foundation
import SearchSpace
import XCTest
@testable import Predictor

/// The repository's profiles/datasets, located from this file (tests never read /work/shared).
let repoDatasets: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().appendingPathComponent("profiles/datasets").path

final class MetaTrainingTests: XCTestCase {
  func tinyModel(space: SpaceKind, zModulator: Bool, seed: UInt64 = 3) throws -> (LatencyDataset, MetaPredictor) {
    let data = try LatencyDataset(space: space, directory: repoDatasets)
    var o = tinyOptions(references: data.helpReferences, sources: Array(data.metaTrain.prefix(3)), queryCount: 12)
    o.seed = seed
    o.outerLearningRate = 1e-3
    o.protocolKind = zModulator ? .help : .honest
    let config = NetworkConfig(space: space, liveFeature: space == .nb201, hwDim: 10, zModulator: zModulator)
    let trainer = try MetaTrainer(data: data, config: config, options: o)
    var losses: [Float] = []
    try trainer.train { _, l in losses.append(l) }
    XCTAssertEqual(losses.count, 2)
    XCTAssertTrue(losses.allSatisfy { $0.isFinite })
    let md = ["kind": "helpprof-meta-predictor", "name": "tiny", "space": space.rawValue,
              "normalisation": o.protocolKind.recipe.rawValue,
              "reference_archs": o.references.map(String.init).joined(separator: ","),
              "reference_arch_texts": o.references.map { MetaPredictor.text(data.archs[$0]) }.joined(separator: ";"),
              "live_feature": String(config.liveFeature), "z_modulator": String(zModulator), "inner_steps": "2"]
    return (data, try trainer.exportModel(metadata: md))
  }

  func testDatasetShapesAndSplits() throws {
    let data = try LatencyDataset(space: .nb201, directory: repoDatasets)
    XCTAssertEqual(data.archCount, 15_625)
    XCTAssertEqual(data.devices.count, 27)
    XCTAssertEqual(data.metaTest, ["titan_rtx_256", "gold_6226", "fpga", "pixel2", "raspi4", "eyeriss"])
    // Dataset op codes agree with the official index order (SearchSpace.NB201Index).
    for i in [0, 1, 9, 1462, 15_624] { XCTAssertEqual(data.archs[i], .nb201(try NB201Index.cell(at: i))) }
    let lat = try data.latencies(device: "titan_rtx_256")
    XCTAssertEqual(lat.min() ?? 0, 5.94, accuracy: 0.01)
    XCTAssertEqual(LatencyDataset.trimmed(data.queryPool, latencies: lat).count, 800)
    XCTAssertThrowsError(try data.latencies(device: "no_such_device"))
  }

  func testTrainingIsReproducibleAndFilesRoundTrip() throws {
    let (data, a) = try tinyModel(space: .nb201, zModulator: false)
    let (_, b) = try tinyModel(space: .nb201, zModulator: false)
    XCTAssertEqual(a.stored.tensors["fc5.weight"]?.data, b.stored.tensors["fc5.weight"]?.data)
    let bytes = try a.stored.serialized()
    let loaded = try MetaPredictor(stored: StoredTensors.read(bytes: bytes, origin: "test"))
    XCTAssertEqual(loaded.referenceIndices, data.helpReferences)
    let lat = try data.latencies(device: "gold_6226")
    let meas = (data.helpReferences + [5, 77, 901]).map { (arch: data.archs[$0], latencyMs: lat[$0]) }
    let p1 = try a.adapt(measurements: meas).predictMs(Array(data.archs[0..<50]))
    let adapted = try loaded.adapt(measurements: meas)
    let p2 = try adapted.predictMs(Array(data.archs[0..<50]))
    XCTAssertEqual(p1, p2)
    // Portable adapted file round trip.
    let st = adapted.stored
    let back = try AdaptedPredictor(tensors: try StoredTensors.read(bytes: st.serialized(), origin: "t").tensors,
                                    metadata: st.metadata)
    XCTAssertEqual(try back.predictMs(Array(data.archs[0..<50])), p2)
    XCTAssertTrue(p2.allSatisfy { $0 > 0 && $0.isFinite })
    // The fast inference path equals the differentiable graph forward.
    let some = Array(data.archs[0..<300]) + Array(data.archs[15_000..<15_100])
    let viaGraph = try adapted.predictNormalised(some).map { adapted.normaliser.denormalise($0) }
    for (x, y) in zip(try adapted.predictMs(some), viaGraph) { XCTAssertEqual(x, y, accuracy: 1e-4 * y) }
    // Missing reference → clear error.
    XCTAssertThrowsError(try a.adapt(measurements: Array(meas.dropFirst())))
  }

  func testEnsembleAveragesMembersAndRoundTrips() throws {
    let (data, a) = try tinyModel(space: .nb201, zModulator: false, seed: 3)
    let (_, b) = try tinyModel(space: .nb201, zModulator: false, seed: 4)
    let e = try MetaPredictor.ensemble([a, b], metadata: a.metadata)
    XCTAssertEqual(e.memberCount, 2)
    let lat = try data.latencies(device: "eyeriss")
    let meas = data.helpReferences.map { (arch: data.archs[$0], latencyMs: lat[$0]) }
    let archs = Array(data.archs[100..<140])
    let ya = try a.adapt(measurements: meas).predictNormalised(archs)
    let yb = try b.adapt(measurements: meas).predictNormalised(archs)
    let adapted = try e.adapt(measurements: meas)
    let ye = try adapted.predictMs(archs)
    for i in archs.indices {
      XCTAssertEqual(ye[i], adapted.normaliser.denormalise((ya[i] + yb[i]) / 2), accuracy: 1e-4 * ye[i])
    }
    let loaded = try MetaPredictor(stored: StoredTensors.read(bytes: e.stored.serialized(), origin: "e"))
    XCTAssertEqual(loaded.memberCount, 2)
    let st = adapted.stored
    XCTAssertEqual(st.metadata["members"], "2")
    let back = try AdaptedPredictor(tensors: try StoredTensors.read(bytes: st.serialized(), origin: "a").tensors,
                                    metadata: st.metadata)
    XCTAssertEqual(try back.predictMs(archs), ye)
  }

  func testHELPFaithfulOFAWithZModulatorTrains() throws {
    let (data, m) = try tinyModel(space: .ofa, zModulator: true)
    XCTAssertNotNil(m.stored.tensors["z.fc2.weight"])
    let lat = try data.latencies(device: "titan_rtx_64")
    let pool = LatencyDataset.trimmed(data.trainPool, latencies: lat)
    let norm = try DeviceNormaliser(recipe: .helpMinMax, referenceMs: data.helpReferences.map { lat[$0] },
                                    pool: pool.map { lat[$0] })
    let a = try m.adapt(support: pool.prefix(10).map { (arch: data.archs[$0], latencyMs: lat[$0]) }, normaliser: norm)
    let some = Array(data.archs[4000..<4100])
    let viaGraph = try a.predictNormalised(some).map { a.normaliser.denormalise($0) }
    for (x, y) in zip(try a.predictMs(some), viaGraph) { XCTAssertEqual(x, y, accuracy: 1e-4 * abs(y) + 1e-6) }
  }
}

final class BundledModelTests: XCTestCase {
  func testBundledNB201LoadsAndAdapts() throws {
    let m = try MetaPredictor.loadBundled(space: .nb201)
    XCTAssertEqual(m.referenceIndices, [1462, 14418, 14314, 9550, 9574, 12172, 4002, 3138, 13078, 4939])
    XCTAssertEqual(m.referenceArchs.count, 10)
    XCTAssertEqual(m.recipe, .logRef)
    XCTAssertNotNil(m.metadata["command"])
    let data = try LatencyDataset(space: .nb201, directory: repoDatasets)
    let lat = try data.latencies(device: "fpga")
    let a = try m.adapt(measurements: m.referenceIndices.map { (arch: data.archs[$0], latencyMs: lat[$0]) })
    let idx = Array(900..<1000)
    let p = try a.predictMs(idx.map { data.archs[$0] })
    XCTAssertGreaterThan(RankMetrics.spearman(p, idx.map { lat[$0] }), 0.8)
  }

  /// Far more Meta-SGD steps than meta-trained can diverge: then a clear error, never NaN predictions.
  func testTooManyStepsNeverGiveNonFinitePredictions() throws {
    let m = try MetaPredictor.loadBundled(space: .nb201)
    let data = try LatencyDataset(space: .nb201, directory: repoDatasets)
    let lat = try data.latencies(device: "pixel2")
    let support = m.referenceIndices.map { (arch: data.archs[$0], latencyMs: lat[$0]) }
    for steps in [64, 256] {
      do {
        let a = try m.adapt(measurements: support, steps: steps)
        XCTAssertTrue(try a.predictMs(Array(data.archs[0..<200])).allSatisfy(\.isFinite))
      } catch let e as PredictorError {
        XCTAssertTrue("\(e)".contains("diverged"), "\(e)")
      }
    }
  }
}

final class BundledOFAModelTests: XCTestCase {
  func testBundledOFALoadsAndRanksTitanRTX64() throws {
    let m = try MetaPredictor.loadBundled(space: .ofa)
    XCTAssertEqual(m.config.space, .ofa)
    let data = try LatencyDataset(space: .ofa, directory: repoDatasets)
    let lat = try data.latencies(device: "titan_rtx_64")
    let a = try m.adapt(measurements: m.referenceIndices.map { (arch: data.archs[$0], latencyMs: lat[$0]) })
    let idx = Array(4000..<4200)
    XCTAssertGreaterThan(RankMetrics.spearman(try a.predictMs(idx.map { data.archs[$0] }), idx.map { lat[$0] }), 0.9)
  }
}
