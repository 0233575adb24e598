import Counters
@testable import Profiler
import SearchSpace
import XCTest

/// The canary estimator on synthetic drifting sample streams, against naive references.
final class CanaryEstimateTests: XCTestCase {
  /// A deterministic jitter in [-a, a] (no RNG state).
  func jitter(_ i: Int, _ a: Double) -> Double { a * sin(Double(i) * 1.7 + 0.3) }

  /// 20 rounds of 5 runs; rounds 4...15 (60 %) run in a slow episode (everything × 1.5).
  func stream(base: Double, canaryBase: Double) -> (samples: [Double], canary: [Double], levels: [Double]) {
    var samples: [Double] = [], canary: [Double] = [], levels: [Double] = []
    for round in 0..<20 {
      let slow = (4...15).contains(round) ? 1.5 : 1.0
      let level = canaryBase * slow * (1 + jitter(round, 0.003))
      levels.append(level)
      for k in 0..<5 {
        samples.append(base * slow * (1 + jitter(round * 5 + k, 0.01)))
        canary.append(level)
      }
    }
    return (samples, canary, levels)
  }

  func testSlowEpisodeIsCancelledWhileThePlainMedianIsNot() throws {
    let s = stream(base: 2.0, canaryBase: 1.0)
    let baseline = try XCTUnwrap(CanaryEstimate.baseline(levels: s.levels, quantile: 0.1))
    let e = try XCTUnwrap(CanaryEstimate(samples: s.samples, canary: s.canary, baseline: baseline))
    XCTAssertEqual(e.latencyMs, 2.0, accuracy: 2.0 * 0.01, "slow episode cancelled to within 1 %")
    XCTAssertEqual(e.count, 100)
    XCTAssertLessThan(e.relativeCI, 0.01)
    let plain = try XCTUnwrap(SampleStats(s.samples)).median
    XCTAssertGreaterThan(abs(plain / 2.0 - 1), 0.3, "the plain median lands inside the episode")
    // Two archs measured in different phases of the episode keep their true ratio.
    let other = stream(base: 3.0, canaryBase: 1.0)
    let e2 = try XCTUnwrap(CanaryEstimate(samples: Array(other.samples.reversed()), canary: Array(other.canary.reversed()),
                                          baseline: baseline))
    XCTAssertEqual(e2.latencyMs / e.latencyMs, 1.5, accuracy: 0.015)
  }

  func testEstimateAgainstNaiveReference() throws {
    let x = [2.0, 3.0, 2.2, 4.0, 2.1]
    let c = [1.0, 1.5, 1.0, 2.0, 1.0]
    let e = try XCTUnwrap(CanaryEstimate(samples: x, canary: c, baseline: 0.9))
    // Naive: ratios 2, 2, 2.2, 2, 2.1 → sorted 2, 2, 2, 2.1, 2.2 → median 2.
    XCTAssertEqual(e.ratio, 2.0, accuracy: 1e-12)
    XCTAssertEqual(e.latencyMs, 1.8, accuracy: 1e-12)
    let low = try XCTUnwrap(CanaryEstimate(samples: x, canary: c, baseline: 1, quantile: 0.25))
    XCTAssertEqual(low.ratio, 2.0, accuracy: 1e-12)
    XCTAssertNil(CanaryEstimate(samples: [], canary: [], baseline: 1))
    XCTAssertNil(CanaryEstimate(samples: [1, 2], canary: [1], baseline: 1))
    XCTAssertNil(CanaryEstimate(samples: [1], canary: [0], baseline: 1))
    XCTAssertNil(CanaryEstimate(samples: [1], canary: [1], baseline: .nan))
  }

  /// 30 rounds of 4 identical runs whose level moves from round to round: the runs are not 30 × 4 independent
  /// looks, so the CI must be the (wider) one over the 30 round medians, computed here by hand.
  func testRoundsWidenTheCIWhenRunsOfARoundAgree() throws {
    let roundRatio = (0..<30).map { 2.0 * (1 + jitter($0, 0.03)) }
    let x = roundRatio.flatMap { Array(repeating: $0, count: 4) }
    let c = [Double](repeating: 1, count: x.count)
    let sizes = [Int](repeating: 4, count: 30)
    let e = try XCTUnwrap(CanaryEstimate(samples: x, canary: c, baseline: 1, roundSizes: sizes))
    let plain = try XCTUnwrap(CanaryEstimate(samples: x, canary: c, baseline: 1))
    XCTAssertEqual(e.latencyMs, plain.latencyMs, "rounds change the CI, not the estimate")
    XCTAssertEqual(e.rounds, 30)
    XCTAssertEqual(e.runsRelativeCI, plain.relativeCI)
    // Naive: 95 % order-statistic ranks of the median of 30 values: 9 and 22 (1-based).
    XCTAssertEqual(CanaryEstimate.quantileCIRanks(30, 0.5).lower, 9)
    XCTAssertEqual(CanaryEstimate.quantileCIRanks(30, 0.5).upper, 22)
    let sorted = roundRatio.sorted()
    let median = (x.sorted()[59] + x.sorted()[60]) / 2
    XCTAssertEqual(e.relativeCI, (sorted[21] - sorted[8]) / (2 * median), accuracy: 1e-12)
    XCTAssertGreaterThan(e.relativeCI, plain.relativeCI)
  }

  func testRoundCIOnlyWithEnoughRoundsAndMatchingSizes() throws {
    let x = (0..<40).map { 2.0 * (1 + jitter($0 / 4, 0.03)) }
    let c = [Double](repeating: 1, count: x.count)
    let plain = try XCTUnwrap(CanaryEstimate(samples: x, canary: c, baseline: 1))
    let ten = try XCTUnwrap(CanaryEstimate(samples: x, canary: c, baseline: 1, roundSizes: Array(repeating: 4, count: 10)))
    XCTAssertEqual(ten.rounds, 10)
    XCTAssertEqual(ten.relativeCI, plain.relativeCI, "10 rounds < minRoundsForRoundCI: the runs' CI")
    let wrong = try XCTUnwrap(CanaryEstimate(samples: x, canary: c, baseline: 1, roundSizes: [4, 4]))
    XCTAssertNil(wrong.rounds, "sizes that do not add up are ignored")
    XCTAssertEqual(wrong.relativeCI, plain.relativeCI)
    XCTAssertNil(CanaryEstimate.roundMedians([1, 2, 3], sizes: [3, 0]))
    XCTAssertEqual(CanaryEstimate.roundMedians([1, 5, 2, 7, 3, 4], sizes: [2, 3, 1]), [3, 3, 4])
  }

  func testConfidenceRanksMatchTheBinomialDefinition() {
    // Naive reference: the smallest symmetric rank interval whose binomial coverage of the median is >= ~95 %,
    // checked loosely against the normal-approximation ranks the estimator uses.
    for n in [10, 20, 50, 100, 400] {
      let (l, u) = CanaryEstimate.quantileCIRanks(n)
      XCTAssertGreaterThanOrEqual(l, 1)
      XCTAssertLessThanOrEqual(u, n)
      XCTAssertLessThan(l, u)
      var coverage = 0.0
      // P(l <= rank of the median's position < u) under Binomial(n, 1/2): sum_{k=l}^{u-1} C(n, k) / 2^n.
      var logC = 0.0
      for k in 0...n {
        if k > 0 { logC += log(Double(n - k + 1)) - log(Double(k)) }
        if k >= l && k < u { coverage += exp(logC - Double(n) * log(2)) }
      }
      XCTAssertGreaterThanOrEqual(coverage, 0.93, "n \(n): ranks \(l)...\(u) cover \(coverage)")
    }
    XCTAssertEqual(CanaryEstimate.relativeQuantileCI(sorted: [1, 2]), 1, "too few samples: no confidence")
    let s = (1...100).map(Double.init)
    let (l, u) = CanaryEstimate.quantileCIRanks(100)
    XCTAssertEqual(CanaryEstimate.relativeQuantileCI(sorted: s), (s[u - 1] - s[l - 1]) / (2 * 50.5), accuracy: 1e-12)
  }

  func testInterpolateSmoothAndBaseline() throws {
    XCTAssertEqual(CanaryEstimate.interpolate(t: 5, t0: 0, c0: 1, t1: 10, c1: 2), 1.5, accuracy: 1e-12)
    XCTAssertEqual(CanaryEstimate.interpolate(t: 20, t0: 0, c0: 1, t1: 10, c1: 2), 2, accuracy: 1e-12)
    XCTAssertEqual(CanaryEstimate.interpolate(t: 5, t0: 3, c0: 1, t1: 3, c1: 2), 1)
    XCTAssertEqual(CanaryEstimate.smoothed(levels: [9, 1, 2, 3], last: 3), 2)
    XCTAssertEqual(CanaryEstimate.smoothed(levels: [4], last: 5), 4)
    XCTAssertNil(CanaryEstimate.smoothed(levels: [], last: 5))
    let levels = [5.0, 1, 2, 3, 4]
    XCTAssertEqual(try XCTUnwrap(CanaryEstimate.baseline(levels: levels, quantile: 0.25)),
                   SampleStats.quantile(sorted: levels.sorted(), 0.25))
    XCTAssertNil(CanaryEstimate.baseline(levels: [], quantile: 0.1))
  }

  func testCanaryArchIsFixed() throws {
    XCTAssertEqual(try CanaryArch.spec(.nb201).archString,
                   "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|none~0|nor_conv_1x1~1|nor_conv_1x1~2|")
    let ofa = try CanaryArch.spec(.ofa)
    XCTAssertEqual(ofa.space, .ofa)
    if case .ofa(_, let cfg) = ofa {
      XCTAssertNoThrow(try cfg.validated())
      XCTAssertEqual(cfg.resolution, 176)
    }
  }

  func testOldProtocolJSONDecodesAsSweeps() throws {
    var p = MeasurementProtocol()
    p.kind = .sweeps
    var obj = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(p)) as? [String: Any])
    for k in ["kind", "canaryRuns", "canaryPerArch", "canaryRewarmRuns", "preemptedAsCPU", "canarySmoothing", "ratioQuantile",
              "targetRelativeCI", "canaryBaselineQuantile", "slowEpisodeFactor", "naiveRuns"] {
      obj.removeValue(forKey: k)
    }
    let old = try JSONDecoder().decode(MeasurementProtocol.self, from: JSONSerialization.data(withJSONObject: obj))
    XCTAssertEqual(old, p, "a sidecar from before the canary protocol reads as the sweeps protocol with defaults")
    XCTAssertEqual(MeasurementProtocol().kind, .canary)
  }
}
