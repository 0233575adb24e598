import Counters

/// The measurement state of one arch inside a window: its network (while alive), samples and attempts.
final class ArchState {
  /// A finished attempt: stats of the used samples, the samples, thread CPU samples, load and verdict.
  struct Attempt {
    let stats: SampleStats
    /// Samples the stats are over (preempted runs removed when filtering).
    let samples: [Double]
    let cpu: [Double]
    /// Runs set aside as preempted.
    let preempted: Int
    let otherCores: Double
    let noisy: Bool
    /// Why it is noisy: "spread", "preempted", "load" (comma-joined), or "".
    let reasons: [String]
  }

  enum Verdict { case `continue`, remeasure, done }

  let spec: ArchSpec
  /// Position in the caller's list, to return rows in input order.
  let position: Int
  var workload: Workload?
  /// Wall-clock and thread-CPU milliseconds of every timed run of the current attempt.
  var wall: [Double] = []
  var cpu: [Double] = []
  var timedNs: UInt64 = 0
  /// Other processes' CPU-seconds and wall seconds of the rounds this attempt took part in.
  var otherSeconds = 0.0
  var wallSeconds = 0.0
  var attempts: [Attempt] = []

  init(spec: ArchSpec, position: Int) {
    self.spec = spec
    self.position = position
  }

  /// Whether run `i` was descheduled: wall exceeds CPU time by more than the slack.
  static func preempted(wall: Double, cpu: Double, _ p: MeasurementProtocol) -> Bool {
    wall - cpu > max(p.preemptSlack * wall, p.preemptSlackMicros / 1000)
  }

  /// After a round: keep going, start a re-measurement (noisy attempt stored), or done.
  /// `filterPreempted`: set preempted runs aside (wall metric, single thread).
  func evaluate(_ p: MeasurementProtocol, filterPreempted: Bool = false) -> Verdict {
    var samples = p.metric == .wall ? wall : cpu
    var cpuUsed = cpu
    var preemptedCount = 0
    if filterPreempted {
      let keep = wall.indices.filter { !ArchState.preempted(wall: wall[$0], cpu: cpu[$0], p) }
      preemptedCount = wall.count - keep.count
      samples = keep.map { wall[$0] }
      cpuUsed = keep.map { cpu[$0] }
    }
    let runs = wall.count
    let capped = runs >= 3 && (runs >= p.maxSamples || Double(timedNs) / 1e9 >= p.maxSecondsPerArch)
    var stats = SampleStats(samples)
    let converged = stats.map { $0.count >= p.minSamples && $0.relativeIQR <= p.targetRelativeIQR } ?? false
    guard converged || capped else { return .continue }
    if stats == nil || samples.count < 3 {
      // Too few undisturbed runs: fall back to every run.
      samples = p.metric == .wall ? wall : cpu
      cpuUsed = cpu
      stats = SampleStats(samples)
    }
    guard let stats else { return .continue }
    let other = wallSeconds > 0 ? otherSeconds / wallSeconds : 0
    var reasons: [String] = []
    if !converged { reasons.append("spread") }
    if runs > 0 && Double(preemptedCount) / Double(runs) > p.maxPreemptedFraction { reasons.append("preempted") }
    if other >= p.noisyOtherCores { reasons.append("load") }
    attempts.append(Attempt(stats: stats, samples: samples, cpu: cpuUsed, preempted: preemptedCount,
                            otherCores: other, noisy: !reasons.isEmpty, reasons: reasons))
    let disturbed = reasons.contains("spread") || reasons.contains("preempted")
    if disturbed && attempts.count <= p.remeasureLimit {
      wall = []
      cpu = []
      timedNs = 0
      otherSeconds = 0
      wallSeconds = 0
      return .remeasure
    }
    return .done
  }
}
