import Counters
@testable import Profiler
import SearchSpace
import XCTest

/// A fake clock whose machine slows down by `factor` during every phase but the first of each `cycle` phases.
final class FakeMachine {
  var now: UInt64 = 0
  let phaseNs: UInt64
  let cycle: UInt64
  let factor: Double
  init(phaseMs: Double, cycle: UInt64, factor: Double) {
    phaseNs = UInt64(phaseMs * 1e6)
    self.cycle = cycle
    self.factor = factor
  }
  var slowdown: Double { (now / phaseNs) % cycle == 0 ? 1 : factor }
  var clock: MeasurementClock { MeasurementClock(wall: { self.now }, cpu: { self.now }) }
}

/// A workload that advances the fake clock by its base time × the machine's current slowdown.
final class FakeWorkload: Workload {
  let baseMs: Double
  let machine: FakeMachine
  init(baseMs: Double, machine: FakeMachine) {
    self.baseMs = baseMs
    self.machine = machine
  }
  func run() { machine.now += UInt64(baseMs * 1e6 * machine.slowdown) }
  func runTimingLayers(now: () -> UInt64) -> [(name: String, kind: String, nanoseconds: UInt64)] {
    let t0 = now(); run(); return [("all", "fake", now() &- t0)]
  }
}

/// The engine with an injected clock and slowdown: the canary protocol cancels slow episodes.
final class CanaryEngineTests: XCTestCase {
  func settings() -> ProfileSettings { CanaryEngineTests.fakeSettings() }

  /// Settings for the fake machine: no counters, no pinning, no warm-up time, 20–60 samples, windows of 4.
  static func fakeSettings() -> ProfileSettings {
    var s = ProfileSettings(space: .nb201, dataset: "cifar10", device: "fake")
    s.counters = []
    s.measurement.pin = .none
    s.measurement.warmupSeconds = 0
    s.measurement.minSamples = 20
    s.measurement.maxSamples = 60
    s.measurement.maxSecondsPerArch = 100
    s.measurement.window = 4
    return s
  }

  static func baseMs(_ index: Int) -> Double { index == CanaryArch.nb201Index ? 1.0 : 0.5 + 0.25 * Double(index % 7) }

  func measure(_ s: ProfileSettings, _ machine: FakeMachine) throws -> ProfileOutcome {
    let engine = ProfileEngine(settings: s, factory: { spec in
      FakeWorkload(baseMs: CanaryEngineTests.baseMs(spec.archIndex), machine: machine)
    })
    engine.clock = machine.clock
    return try engine.measure(try ArchSelection.nb201(indices: Array(0..<12)))
  }

  func testSlowEpisodesAreCancelledAndCounted() throws {
    for smoothing in [1, 5] {
      var s = settings()
      s.measurement.canarySmoothing = smoothing
      // Two thirds of the time the machine is 1.5× slower, in episodes of 300 ms (several rounds each)
      // after 150 ms at full speed.
      let out = try measure(s, FakeMachine(phaseMs: 150, cycle: 3, factor: 1.5))
      XCTAssertEqual(out.rows.count, 12)
      var rawOff = 0
      for r in out.rows {
        let truth = CanaryEngineTests.baseMs(r.archIndex)
        XCTAssertEqual(r.latencyMs / truth, 1, accuracy: 0.03, "smoothing \(smoothing): arch \(r.archIndex)")
        if abs(r.rawLatencyMs / truth - 1) > 0.2 { rawOff += 1 }
        XCTAssertEqual(try XCTUnwrap(r.canaryMs), 1, accuracy: 0.01, "baseline = the canary's undisturbed time")
      }
      XCTAssertGreaterThan(rawOff, 0, "the raw median does not cancel the episodes")
      let c = try XCTUnwrap(out.summary.canary)
      XCTAssertGreaterThan(c.slowRounds, c.rounds / 3, "slow rounds are detected")
      XCTAssertLessThan(c.slowRounds, c.rounds)
      XCTAssertGreaterThan(out.rows.reduce(0) { $0 + $1.slowRounds }, 0)
    }
  }

  func testQuietMachineGivesTheTruthAndConverges() throws {
    let out = try measure(settings(), FakeMachine(phaseMs: 1000, cycle: 1, factor: 1.5))
    for r in out.rows {
      XCTAssertEqual(r.latencyMs, CanaryEngineTests.baseMs(r.archIndex), accuracy: 1e-6)
      XCTAssertEqual(r.rawLatencyMs, r.latencyMs, accuracy: 1e-6)
      XCTAssertFalse(r.noisyReasons.contains("spread"), "converged: \(r.noisyReasons)")
      XCTAssertEqual(r.slowRounds, 0)
    }
  }

  func testShortArchsGetScaledRunsAndStayRight() throws {
    // Canary 1 ms; archs 0.5–2 ms. With scale 3, an arch of 0.5 ms (canary/arch 2) gets 2 × the runs per sweep,
    // one of 0.75 ms (1.33 → 1) and longer ones the plain quota; estimates stay exact on a quiet machine.
    var s = settings()
    s.measurement.minSamples = 6
    s.measurement.sweeps = 2
    s.measurement.samplesPerRound = 3
    s.measurement.remeasureLimit = 0
    s.measurement.targetRelativeCI = 0.5
    let plain = try measure(s, FakeMachine(phaseMs: 1000, cycle: 1, factor: 1.5))
    s.measurement.shortArchRunScale = 3
    let scaled = try measure(s, FakeMachine(phaseMs: 1000, cycle: 1, factor: 1.5))
    for (a, b) in zip(plain.rows, scaled.rows) {
      let truth = CanaryEngineTests.baseMs(a.archIndex)
      XCTAssertEqual(b.latencyMs, truth, accuracy: 1e-6)
      XCTAssertEqual(a.n, 6)
      XCTAssertEqual(b.n, truth == 0.5 ? 12 : 6, "arch \(a.archIndex) of \(truth) ms")
    }
    var bad = s
    bad.measurement.shortArchRunScale = 0
    XCTAssertThrowsError(try bad.validate())
  }

  func testNaiveAndSweepsProtocolsHaveNoCanary() throws {
    var s = settings()
    s.measurement.kind = .naive
    s.measurement.naiveRuns = 7
    let machine = FakeMachine(phaseMs: 600, cycle: 3, factor: 1.5)
    let naive = try measure(s, machine)
    XCTAssertEqual(naive.rows.map(\.archIndex), Array(0..<12))
    XCTAssertNil(naive.summary.canary)
    XCTAssertEqual(naive.summary.protocolKind, "naive")
    for r in naive.rows {
      XCTAssertEqual(r.n, 7)
      XCTAssertEqual(r.sweeps, 1)
      XCTAssertNil(r.canaryMs)
      XCTAssertEqual(r.latencyMs, r.rawLatencyMs)
    }
    s.measurement.kind = .sweeps
    let sweeps = try measure(s, machine)
    XCTAssertNil(sweeps.summary.canary)
    for r in sweeps.rows { XCTAssertTrue(r.canarySamplesMs.isEmpty); XCTAssertEqual(r.latencyMs, r.rawLatencyMs) }
  }

  /// The first warm-up's minimum time: none for the canary protocol (the default), 20 ms for the others.
  func testWarmupDefaultsPerProtocol() {
    XCTAssertEqual(MeasurementProtocol().kind, .canary)
    XCTAssertEqual(MeasurementProtocol().warmupSeconds, 0)
    XCTAssertEqual(MeasurementProtocol.defaultWarmupSeconds(for: .canary), 0)
    XCTAssertEqual(MeasurementProtocol.defaultWarmupSeconds(for: .sweeps), 0.02)
    XCTAssertEqual(MeasurementProtocol.defaultWarmupSeconds(for: .naive), 0.02)
    // Per space: the canary protocol times rounds of 1 between single canary runs; the comparisons keep their old
    // settings.
    let nb = MeasurementProtocol.defaults(for: .nb201)
    XCTAssertEqual([nb.sweeps, nb.minSamples, nb.samplesPerRound, nb.rewarmRuns, nb.remeasureLimit,
                    nb.canaryRuns, nb.canaryRewarmRuns], [3, 12, 1, 0, 2, 1, 0])
    XCTAssertEqual(ProfileSettings(space: .nb201).measurement, nb)
    var nbRest = nb
    (nbRest.minSamples, nbRest.samplesPerRound, nbRest.rewarmRuns, nbRest.canaryRuns, nbRest.canaryRewarmRuns) = (10, 5, 1, 2, 1)
    XCTAssertEqual(nbRest, MeasurementProtocol(), "every other NB201 setting is the property default")
    let ofa = MeasurementProtocol.defaults(for: .ofa)
    XCTAssertEqual([ofa.sweeps, ofa.minSamples, ofa.samplesPerRound, ofa.rewarmRuns, ofa.remeasureLimit,
                    ofa.canaryRuns, ofa.canaryRewarmRuns], [2, 20, 1, 0, 0, 1, 0])
    XCTAssertEqual(ProfileSettings(space: .ofa).measurement, ofa)
    var old = MeasurementProtocol()
    old.kind = .sweeps
    old.warmupSeconds = 0.02
    XCTAssertEqual(MeasurementProtocol.defaults(for: .ofa, protocol: .sweeps), old)
  }

  /// Canary protocol: a preempted run counts with its thread CPU time; the other protocols set it aside.
  func testPreemptedRunsCountWithTheirCPUTime() throws {
    var p = MeasurementProtocol()
    p.minSamples = 3
    let st = ArchState(spec: try ArchSpec.nb201(index: 0), position: 0)
    st.wall = [1.0, 5.0, 1.0, 1.0]
    st.cpu = [1.0, 1.1, 1.0, 1.0]
    st.canary = [1, 1, 1, 1]
    let r = try XCTUnwrap(st.result(p, filterPreempted: true, baseline: 1))
    XCTAssertEqual(r.samples, [1.0, 1.1, 1.0, 1.0])
    XCTAssertEqual(r.preempted, 1)
    XCTAssertEqual(r.canary.count, 4)
    p.preemptedAsCPU = false
    let dropped = try XCTUnwrap(st.result(p, filterPreempted: true, baseline: 1))
    XCTAssertEqual(dropped.samples, [1.0, 1.0, 1.0])
    XCTAssertEqual(dropped.canary.count, 3)
  }
}
