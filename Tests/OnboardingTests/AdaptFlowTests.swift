import Foundation
import XCTest
import Predictor
import SearchSpace
import TensorFile
@testable import Onboarding

final class AdaptFlowTests: XCTestCase {
  func testNB201PoolShotsAndValidationChoice() throws {
    let pool = try AdaptFlow.pool(space: .nb201)
    XCTAssertEqual(pool.count, 15_625)
    XCTAssertEqual(pool[1462].macs, NB201Cost(cell: try NB201Index.cell(at: 1462), dataset: .cifar10).macs)
    let refs = try ReferenceSet.helpDefaults(.nb201)
    let refArchs = try refs.map { try ReferenceSet.arch($0, space: .nb201) }
    let shots = try AdaptFlow.chooseShots(pool: pool, count: 10, seed: 1, references: refArchs)
    XCTAssertEqual(shots.count, 10)
    XCTAssertTrue(Set(shots.map(\.text)).isDisjoint(with: refs.map(\.arch)))
    XCTAssertEqual(shots.map(\.macs), shots.map(\.macs).sorted(), "one per MACs stratum, ascending")
    XCTAssertEqual(shots, try AdaptFlow.chooseShots(pool: pool, count: 10, seed: 1, references: refArchs))
    let exclude = Set(shots.map(\.arch) + refArchs)
    let val = try AdaptFlow.chooseValidation(pool: pool, count: 50, seed: 2, exclude: exclude)
    XCTAssertEqual(Set(val.map(\.arch)).count, 50)
    XCTAssertTrue(Set(val.map(\.arch)).isDisjoint(with: exclude))
  }

  func testOFAPoolIsValidAndSeeded() throws {
    let pool = try AdaptFlow.pool(space: .ofa, ofaPoolSize: 50)
    XCTAssertEqual(pool.count, 50)
    for p in pool { XCTAssertEqual(try OFAConfig(text: p.text).text, p.text) }
    XCTAssertEqual(pool, try AdaptFlow.pool(space: .ofa, ofaPoolSize: 50))
  }

  func testShotsFromCSV() throws {
    let refs = try ReferenceSet.helpDefaults(.nb201)
    let refArchs = try refs.map { try ReferenceSet.arch($0, space: .nb201) }
    let cell7 = try NB201Index.cell(at: 7).archString
    let rows = [MeasuredArch(index: 7, arch: nil, latencyMs: 1), MeasuredArch(index: nil, arch: cell7, latencyMs: 1),
                MeasuredArch(index: refs[0].index, arch: nil, latencyMs: 3), MeasuredArch(index: 8, arch: nil, latencyMs: 4),
                MeasuredArch(index: 9_000, arch: nil, latencyMs: 5)]
    let all = try AdaptFlow.shotsFromCSV(rows, space: .nb201, count: nil, seed: 1, references: refArchs, source: "m.csv")
    XCTAssertEqual(all.map(\.index), [7, 8, 9_000], "duplicates and references dropped")
    let two = try AdaptFlow.shotsFromCSV(rows, space: .nb201, count: 2, seed: 1, references: refArchs, source: "m.csv")
    XCTAssertEqual(two.count, 2)
    XCTAssertThrowsError(try AdaptFlow.shotsFromCSV(rows, space: .nb201, count: 4, seed: 1, references: refArchs, source: "m.csv")) {
      XCTAssertTrue("\($0)".contains("3 usable rows"), "\($0)")
    }
    let mismatch = [MeasuredArch(index: 8, arch: cell7, latencyMs: 1)]
    XCTAssertThrowsError(try AdaptFlow.shotsFromCSV(mismatch, space: .nb201, count: nil, seed: 1, references: refArchs, source: "m.csv")) {
      XCTAssertTrue("\($0)".contains("m.csv line 2: arch_index 8 is"), "\($0)")
    }
    let range = [MeasuredArch(index: 20_000, arch: nil, latencyMs: 1)]
    XCTAssertThrowsError(try AdaptFlow.shotsFromCSV(range, space: .nb201, count: nil, seed: 1, references: refArchs, source: "m.csv"))
    // Issue 14 #5: one architecture with two different latencies is an error naming it (before: the first row
    // won silently); identical duplicates are merged (above).
    let conflict = [MeasuredArch(index: 4, arch: nil, latencyMs: 1), MeasuredArch(index: 7, arch: nil, latencyMs: 999),
                    MeasuredArch(index: nil, arch: cell7, latencyMs: 1.2)]
    XCTAssertThrowsError(try AdaptFlow.shotsFromCSV(conflict, space: .nb201, count: nil, seed: 1, references: refArchs, source: "m.csv")) {
      XCTAssertTrue("\($0)".contains("m.csv line 4: \(cell7) is measured twice with different latencies (999.0 ms on line 3"), "\($0)")
    }
    // OFA: rows take the references' width when they give none; another width is refused.
    let ofaRefs = [Arch.ofa(OFAConfig.sample(count: 1, seed: 1, width: .w12)[0])]
    let sub = OFAConfig.sample(count: 1, seed: 2, width: .w12)[0]
    let noWidth = sub.text.replacingOccurrences(of: " w=1.2", with: "")
    let ofaShots = try AdaptFlow.shotsFromCSV([MeasuredArch(index: nil, arch: noWidth, latencyMs: 2)], space: .ofa, count: nil,
                                              seed: 1, references: ofaRefs, source: "m.csv")
    XCTAssertEqual(ofaShots.map(\.text), [sub.text])
    let w10 = sub.text.replacingOccurrences(of: "w=1.2", with: "w=1.0")
    XCTAssertThrowsError(try AdaptFlow.shotsFromCSV([MeasuredArch(index: nil, arch: w10, latencyMs: 2)], space: .ofa, count: nil,
                                                    seed: 1, references: ofaRefs, source: "m.csv")) {
      XCTAssertTrue("\($0)".contains("width 1.0 but the predictor's references are width 1.2"), "\($0)")
    }
    let ofaNoText = [MeasuredArch(index: 3, arch: nil, latencyMs: 1)]
    XCTAssertThrowsError(try AdaptFlow.shotsFromCSV(ofaNoText, space: .ofa, count: nil, seed: 1, references: [], source: "m.csv")) {
      XCTAssertTrue("\($0)".contains("OFA rows need arch_str"), "\($0)")
    }
  }

  /// Full flow with the bundled NB201 meta-predictor and synthetic latencies (a deterministic function of MACs;
  /// only the plumbing is tested here, not accuracy): `AdaptFlow.run` (profile file → shots → measured with the
  /// fake measurer → adapted → file) → verified load → same predictions.
  func testAdaptWriteLoadRoundTrip() throws {
    guard let meta = try? MetaPredictor.loadBundled(space: .nb201) else {
      throw XCTSkip("no bundled NB201 meta-predictor in this build")
    }
    let profile = try Fixture.measuredProfile(meta: meta)
    let dir = try Fixture.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let profilePath = dir.appendingPathComponent("p.json").path
    try profile.write(to: profilePath)
    let path = dir.appendingPathComponent("d.helpp").path
    var request = AdaptFlow.Request(profilePath: profilePath, helpprofVersion: "test")
    request.seed = 3
    request.outPath = path
    request.validationCount = 20
    var measuredArchs: [PoolArch] = []
    var sessions: [(count: Int, maxSamples: Int)] = []
    let outcome = try AdaptFlow.run(request) { archs, settings in
      measuredArchs += archs
      sessions.append((archs.count, settings.measurement.maxSamples))
      return AdaptFlow.SessionMeasurement(latencyMs: try archs.map { try Fixture.fakeMs($0.text) })
    }
    XCTAssertEqual(outcome.out, path)
    XCTAssertEqual(outcome.shots.count, 10)
    XCTAssertEqual(outcome.shotStrategy, AdaptFlow.stratifiedStrategy)
    XCTAssertEqual(outcome.referenceSource, "remeasured-with-shots")
    XCTAssertEqual(outcome.measuredCount, 10 + 10 + 20, "references again, shots and validation")
    XCTAssertEqual(sessions.map(\.count), [20, 20], "references + shots, then validation")
    XCTAssertGreaterThan(sessions[0].maxSamples, sessions[1].maxSamples, "reference grade, then the profiler's budget")
    XCTAssertEqual(Set(measuredArchs.map(\.arch)).count, measuredArchs.count)
    XCTAssertEqual(outcome.validation?.metrics.count, 20)
    XCTAssertEqual(outcome.validationCSV, path + ".validation.csv")
    XCTAssertEqual(try String(contentsOfFile: path + ".validation.csv", encoding: .utf8).split(separator: "\n").count, 21)
    let adapted = outcome.predictor
    let file = try TensorFile.read(path: path)
    let loaded = try PredictorFile.load(path: path, expectedSpace: .nb201)
    XCTAssertEqual(loaded.metadata.provenance.shotArchs.map(\.arch), outcome.shots.map(\.text))
    let pool = try AdaptFlow.pool(space: .nb201)
    let archs = pool.prefix(100).map(\.text)
    let direct = try adapted.predictMs(try archs.map { try Arch(text: $0, space: .nb201) })
    XCTAssertEqual(try loaded.predictMs(Array(archs)), direct)
    XCTAssertTrue(direct.allSatisfy { $0 > 0 && $0.isFinite })
    XCTAssertThrowsError(try PredictorFile.load(path: path, expectedSpace: .ofa)) {
      XCTAssertEqual($0 as? OnboardingError, .wrongSpace(path: path, found: "nb201", expected: "ofa"))
    }
    // A profile for another space or with other references is refused, by the library call before measuring.
    let shots = outcome.shots
    var ofaProfile = profile
    ofaProfile.space = .ofa
    XCTAssertThrowsError(try AdaptFlow.adapt(profile: ofaProfile, profilePath: "p.json", meta: meta, shots: shots, seed: 3)) {
      XCTAssertEqual($0 as? OnboardingError, .wrongSpace(path: "p.json", found: "ofa", expected: "nb201"))
    }
    var otherRefs = profile
    otherRefs.references.swapAt(0, 1)
    otherRefs.refreshEmbedding()
    XCTAssertThrowsError(try AdaptFlow.adapt(profile: otherRefs, profilePath: "p.json", meta: meta, shots: shots, seed: 3)) {
      XCTAssertTrue("\($0)".contains("differ from the meta-predictor"), "\($0)")
    }
    try otherRefs.write(to: profilePath)
    XCTAssertThrowsError(try AdaptFlow.run(request) { _, _ in XCTFail("measured"); return .init(latencyMs: []) }) {
      XCTAssertTrue("\($0)".contains("differ from the meta-predictor"), "\($0)")
    }
    // Unexpected extra tensor → unused-tensor error.
    var extra = file
    extra.tensors["surprise"] = try Tensor(floats: [1])
    extra.sealChecksum()
    try extra.write(to: path)
    XCTAssertThrowsError(try PredictorFile.load(path: path)) {
      XCTAssertTrue("\($0)".contains("unexpected tensors"), "\($0)")
    }
  }

  /// The library call refuses, before measuring anything: a missing profile, a profile of another space than
  /// expected, an incomplete one, and an output it could not write.
  func testRunChecksBeforeMeasuring() throws {
    guard let meta = try? MetaPredictor.loadBundled(space: .nb201) else {
      throw XCTSkip("no bundled NB201 meta-predictor in this build")
    }
    let dir = try Fixture.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let profilePath = dir.appendingPathComponent("p.json").path
    var request = AdaptFlow.Request(profilePath: profilePath, helpprofVersion: "test")
    request.outPath = dir.appendingPathComponent("d.helpp").path
    let never: AdaptFlow.SessionMeasure = { _, _ in
      XCTFail("measured")
      return .init(latencyMs: [])
    }
    XCTAssertThrowsError(try AdaptFlow.run(request, measure: never)) {
      XCTAssertTrue("\($0)".contains("run `helpprof embed` first"), "\($0)")
    }
    var profile = try Fixture.measuredProfile(meta: meta)
    try profile.write(to: profilePath)
    var ofa = request
    ofa.expectedSpace = .ofa
    XCTAssertThrowsError(try AdaptFlow.run(ofa, measure: never)) {
      XCTAssertEqual($0 as? OnboardingError, .wrongSpace(path: profilePath, found: "nb201", expected: "ofa"))
    }
    var unwritable = request
    unwritable.outPath = dir.appendingPathComponent("missing/d.helpp").path
    XCTAssertThrowsError(try AdaptFlow.run(unwritable, measure: never)) {
      guard case OnboardingError.outputNotWritable(let path, _, let code) = $0 else { return XCTFail("\($0)") }
      XCTAssertEqual(path, unwritable.outPath)
      XCTAssertEqual(code, ENOENT)
    }
    profile.references[0].measurement = nil
    profile.refreshEmbedding()
    try profile.write(to: profilePath)
    XCTAssertThrowsError(try AdaptFlow.run(request, measure: never)) {
      XCTAssertEqual($0 as? OnboardingError, .incompleteProfile(path: profilePath, missing: 1))
    }
  }

  /// Issue 14 #1: an adapted OFA predictor file records the width of its references (`ofa_width`), answers for
  /// configs of that width (given or implied) and refuses another width instead of answering for its own.
  func testOFAPredictorFileRecordsAndEnforcesWidth() throws {
    guard let meta = try? MetaPredictor.loadBundled(space: .ofa) else { throw XCTSkip("no bundled OFA meta-predictor") }
    let refs = MetaPredictorCatalog.referenceArchs(of: meta)
    let support = try meta.referenceArchs.map { (arch: $0, latencyMs: Double(try OFACost(config: Self.ofa($0)).macs) / 5e7 + 1) }
    let adapted = try meta.adapt(measurements: support, steps: 1)
    let md = Fixture.metadata(adapted, space: .ofa, references: refs, referenceMs: support.map(\.latencyMs))
    let dir = try Fixture.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("o.helpp").path
    try PredictorFile.make(adapted, metadata: md).write(to: path)
    let loaded = try PredictorFile.load(path: path, expectedSpace: .ofa)
    XCTAssertEqual(loaded.metadata.ofaWidth, .w12)
    XCTAssertEqual(loaded.file.metadata["ofa_width"], "1.2")
    let sub = OFAConfig.sample(count: 1, seed: 9, width: .w12)[0]
    let ms = try loaded.predictMs([sub.text])
    XCTAssertEqual(try loaded.predictMs([sub.text.replacingOccurrences(of: " w=1.2", with: "")]), ms)
    var w10 = sub
    w10.width = .w10
    XCTAssertThrowsError(try loaded.predictMs(keys: [.ofa(w10)])) {
      guard case OnboardingError.invalidArgument(let m) = $0 else { return XCTFail("\($0)") }
      XCTAssertTrue(m.contains("has width 1.0 but this predictor was adapted on width 1.2"), m)
    }
  }

  private static func ofa(_ key: ArchKey) throws -> OFAConfig {
    guard case .ofa(let c) = key else { throw OnboardingError.invalidArgument("not OFA") }
    return c
  }

  /// `adapt` takes `innerStepFactor` × the meta-trained inner steps (recorded as `adapt_steps`); `steps`
  /// overrides it; the library default of `MetaPredictor.adapt` stays the meta-trained count.
  func testAdaptTakesTwiceTheMetaTrainedSteps() throws {
    guard let meta = try? MetaPredictor.loadBundled(space: .nb201) else {
      throw XCTSkip("no bundled NB201 meta-predictor in this build")
    }
    let profile = try Fixture.measuredProfile(meta: meta)
    let pool = try AdaptFlow.pool(space: .nb201)
    let picks = try AdaptFlow.chooseShots(pool: pool, count: 10, seed: 5, references: meta.referenceArchs)
    let shots = try picks.map {
      ArchMeasurement(index: $0.index, arch: $0.arch, latencyMs: try Fixture.fakeMs($0.text), macs: $0.macs)
    }
    let want = meta.innerSteps * AdaptFlow.innerStepFactor
    XCTAssertEqual(AdaptFlow.adaptationSteps(for: meta), want)
    let adapted = try AdaptFlow.adapt(profile: profile, profilePath: "p.json", meta: meta, shots: shots, seed: 5)
    XCTAssertEqual(adapted.metadata["adapt_steps"], String(want))

    var support: [(arch: ArchKey, latencyMs: Double)] = []
    for (r, ms) in zip(meta.referenceArchs, profile.referenceMedians ?? []) { support.append((r, ms)) }
    for s in shots { support.append((s.arch, s.latencyMs)) }
    let keys = support.map(\.arch)
    let direct = try meta.adapt(measurements: support, seed: 5, steps: want)
    XCTAssertEqual(try adapted.predictMs(keys), try direct.predictMs(keys))
    let metaTrained = try AdaptFlow.adapt(profile: profile, profilePath: "p.json", meta: meta, shots: shots, seed: 5,
                                          steps: meta.innerSteps)
    let libraryDefault = try meta.adapt(measurements: support, seed: 5)
    XCTAssertEqual(libraryDefault.metadata["adapt_steps"], String(meta.innerSteps))
    XCTAssertEqual(try metaTrained.predictMs(keys), try libraryDefault.predictMs(keys))
    XCTAssertThrowsError(try meta.adapt(measurements: support, seed: 5, steps: -1)) {
      XCTAssertTrue("\($0)".contains("adaptation steps -1"), "\($0)")
    }
    // Naive reference: mean squared log error on the support, which the extra steps are there to reduce.
    func supportError(_ a: AdaptedPredictor) throws -> Double {
      let p = try a.predictMs(keys)
      return zip(p, support).map { Foundation.log($0 / $1.latencyMs) }.map { $0 * $0 }.reduce(0, +) / Double(p.count)
    }
    XCTAssertLessThan(try supportError(adapted), try supportError(metaTrained))
  }
}
