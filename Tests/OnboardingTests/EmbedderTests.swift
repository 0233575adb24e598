@testable import Onboarding
import Profiler
import SearchSpace
import XCTest

/// The reference-grade budget and what counts as a noisy reference.
final class EmbedderTests: XCTestCase {
  func row(ci: Double?, reasons: [String]) -> ProfileRow {
    ProfileRow(device: "d", dataset: "cifar10", archIndex: 1, archString: "a", latencyMs: 1, p10Ms: 1, p90Ms: 1,
               iqrMs: 0, minMs: 1, n: 3, noisy: !reasons.isEmpty, cpuMs: 1, otherCPU: 0, sweeps: 6,
               noisyReasons: reasons, counters: [], samplesMs: [1, 1, 1], ciRel: ci)
  }

  func testFallingShortOfTheStopTargetIsNotNoise() {
    XCTAssertFalse(Embedder.referenceNoisy(row(ci: 0.012, reasons: ["spread"])), "1.2 % CI: short of 0.5 %, not noise")
    XCTAssertTrue(Embedder.referenceNoisy(row(ci: 0.06, reasons: ["spread"])), "beyond the 5 % quality limit")
    XCTAssertTrue(Embedder.referenceNoisy(row(ci: 0.004, reasons: ["preempted"])))
    XCTAssertTrue(Embedder.referenceNoisy(row(ci: 0.01, reasons: ["spread", "load"])))
    XCTAssertTrue(Embedder.referenceNoisy(row(ci: nil, reasons: [])), "no CI: cannot be trusted")
    XCTAssertFalse(Embedder.referenceNoisy(row(ci: 0.004, reasons: [])))
  }

  func testReferenceGradeBudgetKeepsTheProfileRounds() {
    let s = Embedder.profileSettings(space: .nb201, dataset: nil, kernels: "default", threads: 1)
    let p = s.measurement
    // The profile's rounds of 1 and canary level (one baseline record for references, shots and profile rows).
    let rows = MeasurementProtocol.defaults(for: .nb201)
    XCTAssertEqual([p.samplesPerRound, p.rewarmRuns, p.canaryRuns, p.canaryRewarmRuns, p.minSamples],
                   [1, rows.rewarmRuns, rows.canaryRuns, rows.canaryRewarmRuns, rows.minSamples])
    // A protocol with a re-warm run spends its rounds 4 runs at a time.
    var warm = rows
    warm.rewarmRuns = 1
    Embedder.referenceGrade(&warm)
    XCTAssertEqual(warm.samplesPerRound, 4)
    XCTAssertEqual(p.sweeps, 6)
    XCTAssertEqual(p.remeasureLimit, 100)
    XCTAssertEqual(p.maxSamples, 400)
    XCTAssertEqual(p.maxSecondsPerArch, 3)
    XCTAssertEqual(p.targetRelativeCI, 0.005)
    XCTAssertTrue(s.counters.isEmpty)
    // Rounds of 1: 6 sweeps of 2 then up to 100 extra rounds (112 samples, under the 400 cap); with 4 runs a round
    // the extra rounds reach the cap.
    let quota = (p.minSamples + p.sweeps - 1) / p.sweeps
    XCTAssertEqual(p.sweeps * quota + p.remeasureLimit * p.samplesPerRound, 112)
    XCTAssertGreaterThanOrEqual(p.sweeps * ((warm.minSamples + 5) / 6) + warm.remeasureLimit * warm.samplesPerRound,
                                warm.maxSamples)
    // OFA times every run right after a canary run (no re-warm): its references keep rounds of 1.
    let ofa = Embedder.profileSettings(space: .ofa, dataset: nil, kernels: "default", threads: 1).measurement
    XCTAssertEqual([ofa.samplesPerRound, ofa.rewarmRuns, ofa.remeasureLimit, ofa.maxSamples], [1, 0, 100, 400])
    let capped = Embedder.profileSettings(space: .nb201, dataset: nil, kernels: "default", threads: 1,
                                          maxSecondsPerArch: 0.5, maxSamples: 5)
    XCTAssertEqual(capped.measurement.maxSamples, 5)
    XCTAssertEqual(capped.measurement.minSamples, 5)
    XCTAssertEqual(capped.measurement.maxSecondsPerArch, 0.5)
  }
}
