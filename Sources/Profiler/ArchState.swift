import Counters

/// The measurement state of one arch inside a block: its network (while alive) and the samples of every sweep.
final class ArchState {
  /// Statistics of the samples so far and the verdict.
  struct Result {
    let stats: SampleStats
    /// Samples the stats are over (preempted runs removed when filtering).
    let samples: [Double]
    let cpu: [Double]
    /// Runs set aside as preempted.
    let preempted: Int
    let otherCores: Double
    let converged: Bool
    /// Why it is noisy: "spread", "preempted", "load"; empty when clean.
    let reasons: [String]
    /// Canary levels of the kept samples (empty without a canary) and the canary estimate over them.
    let canary: [Double]
    let estimate: CanaryEstimate?
    /// Relative half-width of the 95 % CI of the estimate (the canary ratio's, else the raw median's).
    let relativeCI: Double
    var noisy: Bool { !reasons.isEmpty }
    /// Disturbances that hit this measurement (worth another sweep), as opposed to machine load alone.
    var disturbed: Bool { reasons.contains("spread") || reasons.contains("preempted") }
  }

  let spec: ArchSpec
  /// Position in the caller's list, to return rows in input order.
  let position: Int
  var workload: Workload?
  /// Wall-clock and thread-CPU milliseconds of every timed run, all sweeps.
  var wall: [Double] = []
  var cpu: [Double] = []
  /// Canary level (ms) around each timed run (canary protocol only; same length as `wall` between rounds).
  var canary: [Double] = []
  /// Timed runs of each round, in order (sums to `wall.count`): the rounds of the canary CI.
  var roundSizes: [Int] = []
  /// Rounds this arch took part in whose canary level marked a slow episode.
  var slowRounds = 0
  var timedNs: UInt64 = 0
  /// Other processes' CPU-seconds and wall seconds of the rounds this arch took part in.
  var otherSeconds = 0.0
  var wallSeconds = 0.0
  /// Sweeps this arch took part in.
  var sweeps = 0
  /// Timed runs at the start of the current sweep.
  var runsAtSweepStart = 0
  /// Multiple of the per-round runs and the sweep quota (`MeasurementProtocol.shortArchRunScale`; 1 = none).
  var runScale = 1
  /// The first warm-up run was shorter than the canary's level just before it (canary protocol).
  var shorterThanCanary = false
  /// Fastest warm-up run (ms), from the first build.
  var warmupMs: Double?

  init(spec: ArchSpec, position: Int) {
    self.spec = spec
    self.position = position
  }

  /// Whether a run was descheduled: wall exceeds CPU time by more than the slack.
  static func preempted(wall: Double, cpu: Double, _ p: MeasurementProtocol) -> Bool {
    wall - cpu > max(p.preemptSlack * wall, p.preemptSlackMicros / 1000)
  }

  /// Timed runs in the current sweep.
  var runsThisSweep: Int { wall.count - runsAtSweepStart }

  /// Whether the time or sample cap is reached.
  func capped(_ p: MeasurementProtocol) -> Bool {
    wall.count >= p.maxSamples || Double(timedNs) / 1e9 >= p.maxSecondsPerArch
  }

  /// Stats and verdict over every sample so far; nil before the first sample.
  /// `filterPreempted`: set preempted runs aside (wall metric, single thread); with fewer than 3 undisturbed
  /// runs, the least disturbed quarter of the runs (smallest wall − CPU gap, at least 3) is used, and
  /// the result is flagged "preempted" when most runs were. With canary levels and `preemptedAsCPU`, preempted
  /// runs count with their thread CPU time instead.
  /// With canary levels (`canary` as long as `wall`) and a `baseline`, the estimate is the canary ratio's and
  /// convergence is judged on its CI (`targetRelativeCI`); otherwise on IQR/median (`targetRelativeIQR`).
  func result(_ p: MeasurementProtocol, filterPreempted: Bool, baseline: Double? = nil) -> Result? {
    var samples = p.metric == .wall ? wall : cpu
    var cpuUsed = cpu
    let withCanary = baseline != nil && canary.count == wall.count && !canary.isEmpty
    var levels = withCanary ? canary : []
    var preemptedCount = 0
    if filterPreempted && withCanary && p.preemptedAsCPU {
      // Canary protocol: a preempted run counts with its thread CPU time (the run without the time spent
      // descheduled) instead of being set aside, so long runs on a busy machine keep their samples.
      let flags = wall.indices.map { ArchState.preempted(wall: wall[$0], cpu: cpu[$0], p) }
      preemptedCount = flags.filter { $0 }.count
      samples = wall.indices.map { flags[$0] ? cpu[$0] : wall[$0] }
    } else if filterPreempted {
      var keep = wall.indices.filter { !ArchState.preempted(wall: wall[$0], cpu: cpu[$0], p) }
      preemptedCount = wall.count - keep.count
      if keep.count < min(3, wall.count) {
        // Too few undisturbed runs: use the least disturbed quarter (smallest wall − CPU gap), at least 3.
        let want = min(wall.count, max(3, (wall.count + 3) / 4))
        keep = wall.indices.sorted { wall[$0] - cpu[$0] < wall[$1] - cpu[$1] }.prefix(want).sorted()
      }
      samples = keep.map { wall[$0] }
      cpuUsed = keep.map { cpu[$0] }
      if withCanary { levels = keep.map { canary[$0] } }
    }
    guard let stats = SampleStats(samples) else { return nil }
    let estimate = withCanary
      ? CanaryEstimate(samples: samples, canary: levels, baseline: baseline ?? 1, quantile: p.ratioQuantile,
                       roundSizes: samples.count == wall.count ? roundSizes : nil) : nil
    let relativeCI = estimate?.relativeCI ?? CanaryEstimate.relativeQuantileCI(sorted: samples.sorted(), 0.5)
    let converged = stats.count >= p.minSamples
      && (estimate.map { $0.relativeCI <= p.targetRelativeCI } ?? (stats.relativeIQR <= p.targetRelativeIQR))
    let other = wallSeconds > 0 ? otherSeconds / wallSeconds : 0
    var reasons: [String] = []
    if !converged { reasons.append("spread") }
    if !wall.isEmpty && Double(preemptedCount) / Double(wall.count) > p.maxPreemptedFraction {
      reasons.append("preempted")
    }
    if other >= p.noisyOtherCores { reasons.append("load") }
    return Result(stats: stats, samples: samples, cpu: cpuUsed, preempted: preemptedCount, otherCores: other,
                  converged: converged, reasons: reasons, canary: levels, estimate: estimate, relativeCI: relativeCI)
  }
}
