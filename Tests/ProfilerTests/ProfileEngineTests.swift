import Counters
@testable import Profiler
import SearchSpace
import XCTest

/// A workload that spins a little and tracks how many instances are alive.
final class SpinWorkload: Workload {
  static var alive = 0
  static var maxAlive = 0
  let iterations: Int
  var sink = 0.0
  init(iterations: Int) {
    self.iterations = iterations
    SpinWorkload.alive += 1
    SpinWorkload.maxAlive = max(SpinWorkload.maxAlive, SpinWorkload.alive)
  }
  deinit { SpinWorkload.alive -= 1 }
  func run() { for i in 0..<iterations { sink += Double(i & 7) } }
  func runTimingLayers(now: () -> UInt64) -> [(name: String, kind: String, nanoseconds: UInt64)] {
    let t0 = now(); run(); let t1 = now(); run(); let t2 = now()
    return [("a", "spin", t1 &- t0), ("b", "spin", t2 &- t1)]
  }
}

final class ProfileEngineTests: XCTestCase {
  /// Fast settings with these sweeps, minimum samples and extra sweeps (nil: the fast defaults).
  func fastSettings(sweeps: Int, minSamples: Int? = nil, remeasure: Int = 0) -> ProfileSettings {
    var s = fastSettings()
    s.measurement.sweeps = sweeps
    if let minSamples { s.measurement.minSamples = minSamples }
    s.measurement.remeasureLimit = remeasure
    return s
  }

  /// Fast settings: no pinning, no counters, tiny caps.
  func fastSettings() -> ProfileSettings {
    var s = ProfileSettings(space: .nb201, dataset: "cifar10", device: "test-device")
    s.counters = []
    s.measurement.pin = .none
    s.measurement.warmupSeconds = 0
    s.measurement.warmupRuns = 1
    s.measurement.minSamples = 4
    s.measurement.samplesPerRound = 2
    s.measurement.maxSecondsPerArch = 0.02
    s.measurement.window = 2
    return s
  }

  var builds = 0
  func factory(_ spec: ArchSpec) throws -> Workload {
    if spec.archIndex != CanaryArch.nb201Index { builds += 1 }
    return SpinWorkload(iterations: 2_000 + 500 * (spec.archIndex % 5))
  }

  /// 30 rounds of two runs per arch: the row's CI is the round-aware one, at least the one over the runs (the
  /// engine passes each round's run count to the estimate).
  func testManyRoundsGiveTheRoundAwareCI() throws {
    var s = fastSettings(sweeps: 1, minSamples: 60)
    s.measurement.maxSecondsPerArch = 10
    let specs = try ArchSelection.nb201(indices: [9, 3])
    let out = try Profiler.measure(specs, settings: s, factory: factory)
    for r in out.rows {
      XCTAssertEqual(r.n, 60)
      let runsOnly = try XCTUnwrap(CanaryEstimate(samples: r.samplesMs, canary: r.canarySamplesMs,
                                                  baseline: try XCTUnwrap(r.canaryMs)))
      let rounds = try XCTUnwrap(CanaryEstimate(samples: r.samplesMs, canary: r.canarySamplesMs,
                                                baseline: try XCTUnwrap(r.canaryMs),
                                                roundSizes: Array(repeating: 2, count: 30)))
      XCTAssertEqual(try XCTUnwrap(r.ciRel), rounds.relativeCI, accuracy: 1e-4)
      XCTAssertGreaterThanOrEqual(try XCTUnwrap(r.ciRel) + 1e-4, runsOnly.relativeCI)
    }
  }

  /// An arch far shorter than the canary gets the short-arch extra sweeps; one far longer does not.
  func testShortArchsGetExtraSweeps() throws {
    var s = fastSettings(sweeps: 1)
    s.measurement.shortArchExtraSweeps = 2
    s.measurement.targetRelativeCI = 1e-9  // never converged: every arch stays "spread"
    s.measurement.maxSecondsPerArch = 10
    let specs = try ArchSelection.nb201(indices: [9, 3])
    let out = try Profiler.measure(specs, settings: s, factory: { spec in
      SpinWorkload(iterations: spec.archIndex == CanaryArch.nb201Index ? 40_000 : (spec.archIndex == 9 ? 2_000 : 400_000))
    })
    let sweeps = Dictionary(uniqueKeysWithValues: out.rows.map { ($0.archIndex, $0.sweeps) })
    XCTAssertEqual(sweeps[9], 3, "short: 1 sweep + 2 short-arch extra sweeps")
    XCTAssertEqual(sweeps[3], 1, "long: no extra sweep")
    var off = s
    off.measurement.shortArchExtraSweeps = 0
    XCTAssertTrue(try Profiler.measure(specs, settings: off, factory: factory).rows.allSatisfy { $0.sweeps == 1 })
  }

  func testRowsInInputOrderWindowBoundAndReleased() throws {
    SpinWorkload.alive = 0
    SpinWorkload.maxAlive = 0
    var s = fastSettings()
    s.measurement.layerRuns = 2
    let specs = try ArchSelection.nb201(indices: [9, 3, 7, 1, 5])
    var progressCalls = 0
    var lastFraction = 0.0
    let out = try Profiler.measure(specs, settings: s, factory: factory, progress: { p in
      if p.lastRow != nil { progressCalls += 1 }
      XCTAssertEqual(p.total, 5)
      XCTAssertGreaterThanOrEqual(p.fractionDone, lastFraction - 1e-9)
      lastFraction = p.fractionDone
    })
    XCTAssertEqual(out.rows.map(\.archIndex), [9, 3, 7, 1, 5])
    XCTAssertEqual(progressCalls, 5)
    XCTAssertLessThanOrEqual(SpinWorkload.maxAlive, 3, "one window (2) plus the canary")
    XCTAssertEqual(SpinWorkload.alive, 0)
    for r in out.rows {
      XCTAssertEqual(r.device, "test-device")
      XCTAssertEqual(r.source, "helpprof")
      XCTAssertGreaterThanOrEqual(r.n, 3)
      XCTAssertEqual(r.samplesMs.count, r.n)
      XCTAssertLessThanOrEqual(r.n, s.measurement.maxSamples, "canary: preempted runs are in n (CPU time)")
      XCTAssertEqual(r.rawLatencyMs, try XCTUnwrap(SampleStats(r.samplesMs)).median, accuracy: 1e-12)
      XCTAssertLessThanOrEqual(r.p10Ms, r.rawLatencyMs)
      XCTAssertEqual(r.canarySamplesMs.count, r.samplesMs.count, "one canary level per kept sample")
      let est = try XCTUnwrap(CanaryEstimate(samples: r.samplesMs, canary: r.canarySamplesMs,
                                             baseline: try XCTUnwrap(r.canaryMs)))
      XCTAssertEqual(r.latencyMs, est.latencyMs, accuracy: 1e-9, "latency_ms = median ratio × canary baseline")
      XCTAssertGreaterThanOrEqual(r.sweeps, s.measurement.sweeps)
      XCTAssertTrue(r.counters.isEmpty)
    }
    XCTAssertEqual(out.layers.count, 10)
    XCTAssertEqual(out.summary.archs, 5)
    XCTAssertFalse(out.summary.interrupted)
    XCTAssertEqual(out.summary.protocolKind, "canary")
    XCTAssertGreaterThan(try XCTUnwrap(out.summary.canary).levelsMs.count, 3)
  }

  func testShouldStopKeepsFinishedRows() throws {
    var rounds = 0
    let out = try Profiler.measure(try ArchSelection.nb201(indices: [1, 2, 3, 4]), settings: fastSettings(),
                                   factory: factory, shouldStop: { rounds += 1; return rounds > 1 })
    XCTAssertTrue(out.summary.interrupted)
    XCTAssertLessThan(out.rows.count, 4)
  }

  func testResultVerdicts() throws {
    var p = MeasurementProtocol()
    p.minSamples = 5
    p.maxSamples = 10
    p.targetRelativeIQR = 0.02
    let st = ArchState(spec: try ArchSpec.nb201(index: 0), position: 0)
    XCTAssertNil(st.result(p, filterPreempted: false))
    st.wall = [1, 1, 1, 1]
    st.cpu = st.wall
    XCTAssertEqual(st.result(p, filterPreempted: false)?.reasons, ["spread"], "too few samples is not converged")
    st.wall.append(1.001)
    st.cpu = st.wall
    let ok = try XCTUnwrap(st.result(p, filterPreempted: false))
    XCTAssertTrue(ok.converged)
    XCTAssertFalse(ok.noisy)

    let spread = ArchState(spec: try ArchSpec.nb201(index: 1), position: 0)
    spread.wall = (0..<10).map { Double($0 % 2 == 0 ? 1 : 2) }
    spread.cpu = spread.wall
    let r = try XCTUnwrap(spread.result(p, filterPreempted: false))
    XCTAssertTrue(r.disturbed)
    XCTAssertTrue(spread.capped(p))

    // Load alone is flagged but is not a disturbance worth another sweep.
    let loaded = ArchState(spec: try ArchSpec.nb201(index: 3), position: 0)
    loaded.wall = [1, 1, 1, 1, 1]
    loaded.cpu = loaded.wall
    loaded.otherSeconds = 2
    loaded.wallSeconds = 1
    let lr = try XCTUnwrap(loaded.result(p, filterPreempted: false))
    XCTAssertEqual(lr.reasons, ["load"])
    XCTAssertFalse(lr.disturbed)

    // Preempted runs (wall well above thread CPU time) are set aside.
    let pre = ArchState(spec: try ArchSpec.nb201(index: 4), position: 0)
    pre.cpu = [1, 1, 1, 1, 1, 1, 1]
    pre.wall = [1.001, 3, 1.001, 1.002, 4, 1.001, 1.001]
    let pr = try XCTUnwrap(pre.result(p, filterPreempted: true))
    XCTAssertEqual(pr.preempted, 2)
    XCTAssertEqual(pr.samples.count, 5)
    XCTAssertFalse(pr.noisy)
    XCTAssertEqual(try XCTUnwrap(pre.result(p, filterPreempted: false)).samples.count, 7)
    let most = ArchState(spec: try ArchSpec.nb201(index: 5), position: 0)
    most.cpu = Array(repeating: 1, count: 10)
    most.wall = [1, 2, 2, 2, 2, 2, 2, 1, 1, 1]
    XCTAssertTrue(try XCTUnwrap(most.result(p, filterPreempted: true)).reasons.contains("preempted"))
    XCTAssertTrue(ArchState.preempted(wall: 1.1, cpu: 1.0, p))
    XCTAssertFalse(ArchState.preempted(wall: 1.01, cpu: 1.0, p))

    var cpuMetric = p
    cpuMetric.metric = .cpu
    let c = ArchState(spec: try ArchSpec.nb201(index: 2), position: 0)
    c.wall = [1, 5, 1, 5, 1]
    c.cpu = [1, 1, 1, 1, 1]
    XCTAssertEqual(try XCTUnwrap(c.result(cpuMetric, filterPreempted: false)).samples, c.cpu)
  }

  func testSweepsVisitEveryArchAndSpreadSamples() throws {
    var s = fastSettings(sweeps: 3, minSamples: 6)
    s.measurement.block = 4
    builds = 0
    let out = try Profiler.measure(try ArchSelection.nb201(indices: Array(0..<6)), settings: s, factory: factory)
    XCTAssertEqual(builds, 18, "each arch built once per sweep")
    for r in out.rows {
      XCTAssertEqual(r.sweeps, 3)
      XCTAssertEqual(r.n, 6, "quota of 2 runs per sweep (canary: preempted runs count with their CPU time)")
      XCTAssertLessThanOrEqual(r.preempted, r.n)
    }
  }

  func testSettingsValidationAndDeviceName() throws {
    var s = ProfileSettings(space: .nb201, dataset: "cifar10")
    XCTAssertTrue(s.device.hasPrefix("helpprof-"))
    XCTAssertEqual(s.deviceName(cpuModel: "Intel(R) Xeon(R) Processor"), "helpprof-intel_xeon-1t-default")
    s.pruneDeadOps = true
    s.measurement.metric = .cpu
    XCTAssertEqual(s.deviceName(cpuModel: "AMD EPYC"), "helpprof-amd_epyc-1t-default-prune-cpuclock")
    s.measurement.statistic = .min
    XCTAssertEqual(s.deviceName(cpuModel: "AMD EPYC"), "helpprof-amd_epyc-1t-default-prune-cpuclock-min")
    let st = try XCTUnwrap(SampleStats([3, 1, 2, 5, 4]))
    XCTAssertEqual(ProfileEngine.statistic(st, .median), 3)
    XCTAssertEqual(ProfileEngine.statistic(st, .min), 1)
    XCTAssertEqual(ProfileEngine.statistic(st, .p10), st.p10)
    s.threads = 2
    XCTAssertThrowsError(try s.validate())
    XCTAssertThrowsError(try ProfileSettings(space: .nb201, dataset: "imagenet").validate())
    XCTAssertThrowsError(try ProfileSettings(space: .ofa, dataset: "cifar10").validate())
    var bad = ProfileSettings(space: .nb201)
    bad.measurement.targetRelativeIQR = 0
    XCTAssertThrowsError(try bad.validate())
    XCTAssertThrowsError(try Profiler.measure([.ofa(number: 0, config: OFAConfig.sample(count: 1, seed: 0)[0])],
                                              settings: fastSettings(), factory: factory))
  }
}
