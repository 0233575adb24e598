import Counters
import Foundation
@testable import Profiler
import SearchSpace
import XCTest

/// The machine's canary baseline record: recorded by the first session, shared by later ones (a clearly faster
/// one is noted, not applied), ignored (with a note) when unreadable.
final class CanaryBaselineStoreTests: XCTestCase {
  var dir = ""

  override func setUpWithError() throws {
    dir = NSTemporaryDirectory() + "helpprof-baseline-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

  /// One session of the engine on a fake machine whose canary takes `canaryMs` at full speed.
  func session(_ store: CanaryBaselineStore?, canaryMs: Double, slowFactor: Double = 1.5) throws -> ProfileOutcome {
    let machine = FakeMachine(phaseMs: 150, cycle: 3, factor: slowFactor)
    let engine = ProfileEngine(settings: CanaryEngineTests.fakeSettings(), factory: { spec in
      FakeWorkload(baseMs: spec.archIndex == CanaryArch.nb201Index ? canaryMs : CanaryEngineTests.baseMs(spec.archIndex),
                   machine: machine)
    })
    engine.clock = machine.clock
    engine.baselineStore = store
    return try engine.measure(try ArchSelection.nb201(indices: Array(0..<12)))
  }

  func testFirstSessionRecordsLaterSessionsShareItAndAFasterOneIsNoted() throws {
    let store = CanaryBaselineStore(path: dir + "/sub/canary-baselines.json", toolVersion: "test")
    let a = try session(store, canaryMs: 1.0)
    XCTAssertEqual(a.summary.canary?.baselineSource, "recorded")
    XCTAssertEqual(a.summary.canary?.baselineMs ?? 0, 1.0, accuracy: 0.01)
    // A later session whose canary is 2 % slower (within the update factor) keeps the record's scale.
    let b = try session(store, canaryMs: 1.02)
    let cb = try XCTUnwrap(b.summary.canary)
    XCTAssertEqual(cb.baselineSource, "cache")
    XCTAssertEqual(cb.baselineMs, a.summary.canary?.baselineMs ?? 0, accuracy: 1e-12)
    XCTAssertEqual(cb.sessionBaselineMs ?? 0, 1.02, accuracy: 0.01)
    for r in b.rows { XCTAssertEqual(try XCTUnwrap(r.canaryMs), cb.baselineMs, accuracy: 1e-12) }
    // A clearly faster session keeps the record (sessions stay comparable) and says so.
    let c = try session(store, canaryMs: 0.8)
    XCTAssertEqual(c.summary.canary?.baselineSource, "cache")
    XCTAssertEqual(c.summary.canary?.baselineMs ?? 0, a.summary.canary?.baselineMs ?? 0, accuracy: 1e-12)
    XCTAssertTrue(c.summary.canary?.baselineNote?.contains("below the recorded") ?? false)
    let keys = try store.load().entries
    XCTAssertEqual(keys.count, 1)
    XCTAssertEqual(keys.values.first?.baselineMs ?? 0, 1.0, accuracy: 0.01)
    XCTAssertEqual(keys.values.first?.sessions, 3)
  }

  func testUnreadableStoreIsNotUsedAndSaysSo() throws {
    let path = dir + "/canary-baselines.json"
    try Data("{not json".utf8).write(to: URL(fileURLWithPath: path))
    let out = try session(CanaryBaselineStore(path: path, toolVersion: "test"), canaryMs: 1.0)
    let c = try XCTUnwrap(out.summary.canary)
    XCTAssertEqual(c.baselineSource, "session")
    XCTAssertNil(c.baselineCache)
    XCTAssertTrue(c.baselineNote?.contains("not used") ?? false, c.baselineNote ?? "")
    XCTAssertEqual(c.baselineMs, 1.0, accuracy: 0.01)
  }

  func testNonPositiveRecordIsRejected() throws {
    let path = dir + "/canary-baselines.json"
    try Data(#"{"format":"helpprof-canary-baselines-1","entries":{"k":{"baseline_ms":-1,"first_recorded_at":"x","updated_at":"x","sessions":1}}}"#.utf8)
      .write(to: URL(fileURLWithPath: path))
    XCTAssertThrowsError(try CanaryBaselineStore(path: path).entry("k"))
  }

  func testEnvironmentChoosesTheFile() {
    XCTAssertNil(CanaryBaselineStore.fromEnvironment(["HELPPROF_BASELINE_CACHE": "off", "HOME": "/h"], toolVersion: "v"))
    XCTAssertEqual(CanaryBaselineStore.fromEnvironment(["HELPPROF_BASELINE_CACHE": "/x/b.json"], toolVersion: "v")?.path, "/x/b.json")
    XCTAssertEqual(CanaryBaselineStore.fromEnvironment(["HELPPROF_CACHE_DIR": "/c", "HOME": "/h"], toolVersion: "v")?.path,
                   "/c/canary-baselines.json")
    XCTAssertEqual(CanaryBaselineStore.fromEnvironment(["XDG_CACHE_HOME": "/x", "HOME": "/h"], toolVersion: "v")?.path,
                   "/x/helpprof/canary-baselines.json")
    XCTAssertEqual(CanaryBaselineStore.fromEnvironment(["HOME": "/h"], toolVersion: "v")?.path,
                   "/h/.cache/helpprof/canary-baselines.json")
    XCTAssertNil(CanaryBaselineStore.fromEnvironment([:], toolVersion: "v"))
  }

  func testKeySeparatesSettings() {
    let store = CanaryBaselineStore(path: "/x", toolVersion: "v1")
    var s = ProfileSettings(space: .nb201, dataset: "cifar10")
    let k1 = store.key(settings: s, canary: "c", cpu: "cpu", openBLASCore: "Haswell")
    s.kernels = "openblas"
    XCTAssertNotEqual(k1, store.key(settings: s, canary: "c", cpu: "cpu", openBLASCore: "Haswell"))
    s.kernels = "default"
    XCTAssertEqual(k1, store.key(settings: s, canary: "c", cpu: "cpu", openBLASCore: "Haswell"))
    XCTAssertNotEqual(k1, CanaryBaselineStore(path: "/x", toolVersion: "v2").key(settings: s, canary: "c", cpu: "cpu",
                                                                                 openBLASCore: "Haswell"))
    // How a canary level is taken (timed runs, re-warm runs) changes the level, so it is part of the key.
    let (runs, rewarm) = (s.measurement.canaryRuns, s.measurement.canaryRewarmRuns)
    s.measurement.canaryRewarmRuns = rewarm + 1
    XCTAssertNotEqual(k1, store.key(settings: s, canary: "c", cpu: "cpu", openBLASCore: "Haswell"))
    s.measurement.canaryRewarmRuns = rewarm
    s.measurement.canaryRuns = runs + 1
    XCTAssertNotEqual(k1, store.key(settings: s, canary: "c", cpu: "cpu", openBLASCore: "Haswell"))
  }
}
