import Foundation
import SearchSpace
import XCTest
@testable import Predictor

/// Issue #13: σ prior, plausible range, LOO blend with ridge, imputation of missing references, device splits.
final class GuardRailTests: XCTestCase {
  func testSigmaIsFlooredAtHalfThePrior() throws {
    // Naive reference: σ = max(sd, prior / 2).
    let refs = [1.0, 1.01, 0.99, 1.0]  // a very narrow reference set: sd of ln ≈ 0.007
    let l = refs.map { Foundation.log($0) }
    let m = l.reduce(0, +) / 4
    let sd = (l.map { ($0 - m) * ($0 - m) }.reduce(0, +) / 4).squareRoot()
    let n = try DeviceNormaliser(recipe: .logRef, referenceMs: refs, sigmaPrior: 0.6)
    XCTAssertEqual(n.b, 0.3, accuracy: 1e-12)
    // A spanning set keeps its own σ (the plain z-score).
    let wide = [1.0, 2, 4, 8]
    let lw = wide.map { Foundation.log($0) }
    let mw = lw.reduce(0, +) / 4
    let sw = (lw.map { ($0 - mw) * ($0 - mw) }.reduce(0, +) / 4).squareRoot()
    XCTAssertEqual(try DeviceNormaliser(recipe: .logRef, referenceMs: wide, sigmaPrior: 0.6).b, sw, accuracy: 1e-12)
    // A latency 100× the references stays a moderate target, and round-trips.
    let y = n.normalise(100)
    XCTAssertLessThan(abs(y), 16)
    XCTAssertEqual(n.denormalise(y), 100, accuracy: 1e-3)
    // Legacy rule without a prior.
    XCTAssertEqual(try DeviceNormaliser(recipe: .logRef, referenceMs: refs).b, max(sd, 1e-3), accuracy: 1e-12)
    XCTAssertEqual(DeviceNormaliser.flooredSigma(.nan, prior: 0.5), 0.25, accuracy: 1e-12)
    XCTAssertEqual(DeviceNormaliser.flooredSigma(0, prior: 0), 1e-3)
    // Prior = median over columns of the std over measured (finite) values.
    let cols: [[Double]] = [[0, 2], [0, 4, .nan], [1, 1, 1], [.nan]]
    XCTAssertEqual(DeviceNormaliser.sigmaPrior(lnColumns: cols), 1, accuracy: 1e-12)  // stds 1, 2, 0 → median 1
  }

  func testPlausibleRangeClampsAndCountsAndNeverEmitsNaNOrInf() throws {
    let r = try PlausibleRange(supportMs: [1, 4], supportMACs: [10, 40], spaceMACs: (min: 5, max: 160), factor: 2)
    XCTAssertEqual(r.lnLo, Foundation.log(1) - Foundation.log(2) - Foundation.log(2), accuracy: 1e-12)
    XCTAssertEqual(r.lnHi, Foundation.log(4) + Foundation.log(2) + Foundation.log(4), accuracy: 1e-12)
    let (ms, n) = r.clampMs([2, .nan, .infinity, -.infinity, 0, -3, 1e300, 1e-300, 30])
    XCTAssertTrue(ms.allSatisfy { $0.isFinite && $0 > 0 })
    XCTAssertEqual(n, 7)
    XCTAssertEqual(ms[0], 2, accuracy: 1e-12)
    XCTAssertEqual(ms[8], 30, accuracy: 1e-9)
    XCTAssertEqual(ms[2], 32, accuracy: 1e-9)
    XCTAssertEqual(ms[3], 0.25, accuracy: 1e-12)
    XCTAssertThrowsError(try PlausibleRange(supportMs: [.nan], supportMACs: [], spaceMACs: (min: 1, max: 2)))
  }

  /// Synthetic device: ln t = 0.3 + 1.1·ln s1 with two sources; the ridge is (nearly) exact, a constant "meta"
  /// is not → the blend picks ridge. Where meta is exact, it picks meta.
  func testBlendChoosesRidgeWhereRidgeIsExactAndMetaWhereMetaIsExact() {
    var rng = SplitMix64(seed: 5)
    func u() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
    let n = 400
    let s1 = (0..<n).map { _ in Foundation.exp(4 * u()) }, s2 = (0..<n).map { _ in Foundation.exp(4 * u()) }
    let device = s1.map { Foundation.exp(0.3 + 1.1 * Foundation.log($0)) }
    let ridge = SourceRidge(columns: [s1, s2], needed: Array(0..<n))
    let support = Array(0..<20)
    let truth = support.map { Foundation.log(device[$0]) }
    let ridgeLOO = ridge.leaveOneOut(support, ms: support.map { device[$0] })
    let mean = truth.reduce(0, +) / Double(truth.count)
    let constMeta = truth.map { _ in mean }
    XCTAssertEqual(BlendSelector.choose(metaLn: constMeta, ridgeLn: ridgeLOO, truthLn: truth).metaWeight, 0)
    XCTAssertEqual(BlendSelector.choose(metaLn: constMeta, ridgeLn: ridgeLOO, truthLn: truth).method, "ridge")
    XCTAssertEqual(BlendSelector.choose(metaLn: truth, ridgeLn: ridgeLOO, truthLn: truth).metaWeight, 1)
    // NaN in a model's LOO predictions rules out every weight that uses it.
    var broken = truth
    broken[3] = .nan
    XCTAssertEqual(BlendSelector.choose(metaLn: broken, ridgeLn: ridgeLOO, truthLn: truth).metaWeight, 0)
    // Blend arithmetic against the naive formula.
    let b = BlendSelector.blend(metaLn: [1, 2], ridgeLn: [3, 6], metaWeight: 0.25)
    XCTAssertEqual(b[0], 0.25 * 1 + 0.75 * 3, accuracy: 1e-12)
    XCTAssertEqual(b[1], 0.25 * 2 + 0.75 * 6, accuracy: 1e-12)
    // Ridge predictions of unseen archs are close on the exact device.
    let fit = ridge.fit(support, ms: support.map { device[$0] })
    for a in 100..<110 { XCTAssertEqual(ridge.predictLn(fit, arch: a), Foundation.log(device[a]), accuracy: 0.15) }
  }

  func testRidgeFitMatchesNormalEquations() {
    // One source, λ = 1: w = Σ(x−x̄)(y−ȳ) / (Σ(x−x̄)² + 1).
    let s = [1.0, 2, 4, 8, 16], t = [3.0, 5, 11, 20, 41]
    let r = SourceRidge(columns: [s], needed: [0, 1, 2, 3, 4])
    let f = r.fit([0, 1, 2, 3], ms: Array(t.prefix(4)))
    let x = s.prefix(4).map { Foundation.log($0) }, y = t.prefix(4).map { Foundation.log($0) }
    let mx = x.reduce(0, +) / 4, my = y.reduce(0, +) / 4
    var sxy = 0.0, sxx = 0.0
    for (a, b) in zip(x, y) {
      sxy += (a - mx) * (b - my)
      sxx += (a - mx) * (a - mx)
    }
    let w = sxy / (sxx + 1)
    XCTAssertEqual(r.predictLn(f, arch: 4), my + w * (Foundation.log(16) - mx), accuracy: 1e-12)
  }

  /// A device lacking two references (and 13078-free tables) is evaluated; the imputed ones are reported.
  func testMissingReferencesAreImputedAndReported() throws {
    let data = try LatencyDataset(space: .nb201, directory: repoDatasets)
    let model = try MetaPredictor.loadBundled(space: .nb201)
    let lat = try data.latencies(device: "fpga")
    var measured = [Double?](repeating: nil, count: data.archCount)
    for i in model.referenceIndices + Array(2000..<2300) { measured[i] = lat[i] }
    let gone = Array(model.referenceIndices.prefix(2))
    for r in gone { measured[r] = nil }
    let target = TargetDevice(name: "fpga-part", latency: measured)
    let ev = try Evaluator(data: data, model: model, protocolKind: .honest, budget: 12, shots: 4,
                           ridgeSources: ["gold_6240", "titanx_1", "pixel3"])
    let r = try ev.evaluateDetailed(target, seed: 1)
    XCTAssertEqual(r.imputed, gone)
    let m = try XCTUnwrap(r.metrics["final"])
    XCTAssertTrue(m.spearman.isFinite && m.mape.isFinite)
    XCTAssertGreaterThan(m.spearman, 0.5)
    XCTAssertTrue(BlendSelector.grid.contains(r.metaWeight))
    // Forcing references missing works alike.
    var ev2 = ev
    ev2.missingReferences = [model.referenceIndices[4]]
    XCTAssertEqual(try ev2.evaluateDetailed(target, seed: 2).imputed, gone + [model.referenceIndices[4]])
  }

  /// Another reference set measured instead of the model's: every model reference is imputed from it and the
  /// shots, it counts in the budget, and an unmeasured arch of the set is an error.
  func testAnotherReferenceSetIsMeasuredAndTheModelsImputed() throws {
    let data = try LatencyDataset(space: .nb201, directory: repoDatasets)
    let model = try MetaPredictor.loadBundled(space: .nb201)
    let lat = try data.latencies(device: "fpga")
    let other = [5339, 13105, 13015, 7270, 4002, 9188, 10250, 15230, 9120, 1462]
    var measured = [Double?](repeating: nil, count: data.archCount)
    for i in model.referenceIndices + other + Array(2000..<2300) { measured[i] = lat[i] }
    let target = TargetDevice(name: "fpga-other-set", latency: measured)
    var ev = try Evaluator(data: data, model: model, protocolKind: .honest, budget: 14, shots: 4,
                           ridgeSources: ["gold_6240", "titanx_1", "pixel3"])
    ev.measuredInstead = other
    let r = try ev.evaluateDetailed(target, seed: 1)
    // 1462 is in both sets: measured, not imputed.
    XCTAssertEqual(r.imputed, model.referenceIndices.filter { !other.contains($0) })
    let m = try XCTUnwrap(r.metrics["final"])
    XCTAssertTrue(m.spearman.isFinite && m.mape.isFinite)
    XCTAssertGreaterThan(m.spearman, 0.5)
    // More measured archs than the budget holds.
    var small = try Evaluator(data: data, model: model, protocolKind: .honest, budget: 10, shots: 0,
                              ridgeSources: ["gold_6240", "titanx_1", "pixel3"])
    small.measuredInstead = other + [2100]
    XCTAssertThrowsError(try small.evaluateDetailed(target, seed: 1))
    measured[9120] = nil
    XCTAssertThrowsError(try ev.evaluateDetailed(TargetDevice(name: "x", latency: measured), seed: 1))
  }

  func testSplitsCoverThe27DevicesByFamily() throws {
    let data = try LatencyDataset(space: .nb201, directory: repoDatasets)
    let all = DeviceSplit.gpus + DeviceSplit.cpus + DeviceSplit.phones + DeviceSplit.accelerators
    XCTAssertEqual(Set(all), Set(data.devices))
    XCTAssertEqual(all.count, 27)
    for s in DeviceSplit.family {
      let split = try DeviceSplit.named(s.name, data: data)
      XCTAssertTrue(Set(split.train).isDisjoint(with: split.test), s.name)
      XCTAssertFalse(split.train.isEmpty || split.test.isEmpty, s.name)
    }
    XCTAssertEqual(try DeviceSplit.named("gpus-to-others", data: data).test.count, 12)
    XCTAssertEqual(Set(try DeviceSplit.named("phones-cpus-to-gpus", data: data).test), Set(DeviceSplit.gpus))
    let b = try DeviceSplit.named("batch1-to-large-batch", data: data)
    XCTAssertTrue(b.test.allSatisfy { $0.hasSuffix("_32") || $0.hasSuffix("_256") })
    XCTAssertFalse(b.train.contains("gold_6226"))
    let help = try DeviceSplit.named("help", data: data)
    XCTAssertEqual(help.test, data.metaTest)
    XCTAssertEqual(help.train.count, 21)
    XCTAssertThrowsError(try DeviceSplit.named("nope", data: data))
  }

  func testDefaultReferencesAreOutputConnected() throws {
    for i in MetaPredictor.defaultNB201References {
      let cell = try NB201Index.cell(at: i)
      XCTAssertTrue(cell.isOutputConnected, "reference \(i) \(cell.archString)")
    }
    XCTAssertFalse(try NB201Index.cell(at: 13078).isOutputConnected)
  }

  /// The portable file keeps the range, the ridge tensor and the weight; predictions blend and clamp.
  func testAdaptedPredictorBlendsAndClampsAfterARoundTrip() throws {
    let model = try MetaPredictor.loadBundled(space: .nb201)
    let archs = try (0..<50).map { ArchKey.nb201(try NB201Index.cell(at: $0)) }
    let sup = zip(model.referenceArchs, model.referenceIndices).map { (arch: $0, latencyMs: 1.0 + Double($1 % 7)) }
    var a = try model.adapt(measurements: sup)
    let meta = try a.predictMetaMs(archs)
    a.ridgeLnMs = (0..<NB201Index.count).map { Float($0 % 5) * 0.1 }
    a.metaWeight = 0.5
    a.plausibleRange = PlausibleRange(lnLo: -0.5, lnHi: 0.9)
    let back = try AdaptedPredictor(tensors: a.stored.tensors, metadata: a.stored.metadata)
    let (ms, clamped) = try back.predictMsCounted(archs)
    var expectClamped = 0
    for (i, k) in archs.enumerated() {
      guard case .nb201(let c) = k else { continue }
      let ln = 0.5 * Foundation.log(meta[i]) + 0.5 * Double(Float(NB201Index.index(of: c) % 5) * 0.1)
      if ln < -0.5 || ln > 0.9 { expectClamped += 1 }
      XCTAssertEqual(ms[i], Foundation.exp(min(max(ln, -0.5), 0.9)), accuracy: 1e-4 * ms[i])
    }
    XCTAssertEqual(clamped, expectClamped)
    var bad = a.stored
    bad.metadata["blend_meta_weight"] = "1.5"
    XCTAssertThrowsError(try AdaptedPredictor(tensors: bad.tensors, metadata: bad.metadata))
  }
}
