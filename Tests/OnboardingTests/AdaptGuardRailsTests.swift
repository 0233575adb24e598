import Foundation
import XCTest
import Predictor
import SearchSpace
import TensorFile
@testable import Onboarding

/// Issue #13 in `helpprof adapt`: clamp range and (NB201) the LOO blend with ridge on the public tables, stored in
/// the predictor file and honoured after a verified load.
final class AdaptGuardRailsTests: XCTestCase {
  static let datasets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("profiles/datasets").path

  func testRidgeLikeDeviceBlendsWithRidgeAndTheFileKeepsTheBlend() throws {
    guard let meta = try? MetaPredictor.loadBundled(space: .nb201) else {
      throw XCTSkip("no bundled NB201 meta-predictor in this build")
    }
    let data = try LatencyDataset(space: .nb201, directory: Self.datasets)
    // The device is exactly 1.7 × titanx_1: a ridge on the public devices reproduces it.
    let src = try data.latencies(device: "titanx_1")
    let refs = MetaPredictorCatalog.referenceArchs(of: meta)
    var profile = DeviceProfile(space: .nb201, host: Fixture.host, settings: Fixture.settings, references: refs,
                                helpprofVersion: "test")
    for i in profile.references.indices {
      let ms = 1.7 * src[profile.references[i].arch.index]
      profile.references[i].measurement = try .init(samplesMs: [ms, ms, ms], noisy: false, otherCores: nil, macs: nil)
    }
    profile.refreshEmbedding()
    let pool = try AdaptFlow.pool(space: .nb201)
    let picks = try AdaptFlow.chooseShots(pool: pool, count: 10, seed: 3, references: meta.referenceArchs)
    let shots = picks.map { ArchMeasurement(index: $0.index, arch: $0.arch, latencyMs: 1.7 * src[$0.index], macs: $0.macs) }
    let macs = pool.map { Double($0.macs) }
    let extremes = (min: macs.min() ?? 0, max: macs.max() ?? 0)
    let adapted = try AdaptFlow.adapt(profile: profile, profilePath: "p.json", meta: meta, shots: shots, seed: 3,
                                      spaceMACs: extremes, sources: data)
    // Ridge (λ = 1, shrunk) is not exact on 19 points, but it takes part: the weight is the LOO argmin.
    let loo = (adapted.info["blend_loo_mse"] ?? "").split(separator: ",").compactMap { Double($0.split(separator: ":").last ?? "") }
    XCTAssertEqual(loo.count, BlendSelector.grid.count)
    let best = BlendSelector.grid[loo.indices.min { loo[$0] < loo[$1] } ?? 0]
    XCTAssertEqual(adapted.metaWeight, best, accuracy: 1e-12)
    XCTAssertLessThan(adapted.metaWeight, 1, "\(adapted.info["blend_loo_mse"] ?? "")")
    XCTAssertEqual(adapted.info["blend_method"], adapted.metaWeight == 0 ? "ridge" : "blend")
    XCTAssertNotNil(adapted.plausibleRange)
    let md = Fixture.metadata(adapted, space: .nb201, references: refs, referenceMs: profile.referenceMedians ?? [], shots: shots)
    let dir = try Fixture.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("d.helpp").path
    try PredictorFile.make(adapted, metadata: md).write(to: path)
    let loaded = try PredictorFile.load(path: path, expectedSpace: .nb201)
    XCTAssertEqual(loaded.predictor.metaWeight, adapted.metaWeight)
    XCTAssertEqual(loaded.predictor.ridgeLnMs?.count, NB201Index.count)
    let archs = pool.prefix(200).map(\.text)
    let got = try loaded.predictMs(Array(archs))
    XCTAssertEqual(got, try adapted.predictMs(try archs.map { try Arch(text: $0, space: .nb201) }))
    XCTAssertTrue(got.allSatisfy { $0 > 0 && $0.isFinite })
    let truth = pool.prefix(200).map { 1.7 * src[$0.index] }
    XCTAssertLessThan(RankMetrics.mape(predicted: got, measured: truth), 10)
    // Without source tables: clamp only, recorded as meta only.
    let metaOnly = try AdaptFlow.adapt(profile: profile, profilePath: "p.json", meta: meta, shots: shots, seed: 3,
                                       spaceMACs: extremes, sources: nil)
    XCTAssertEqual(metaOnly.info["blend_method"], AdaptFlow.metaOnlyNoSources)
    XCTAssertNil(metaOnly.ridgeLnMs)
  }
}
