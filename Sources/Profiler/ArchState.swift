import Counters

/// The measurement state of one arch inside a window: its network (while alive), samples and attempts.
final class ArchState {
  /// A finished attempt: stats of the metric samples, the samples, thread CPU samples, load and verdict.
  struct Attempt {
    let stats: SampleStats
    let samples: [Double]
    let cpu: [Double]
    let otherCores: Double
    let noisy: Bool
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

  /// After a round: keep going, start a re-measurement (noisy attempt stored), or done.
  func evaluate(_ p: MeasurementProtocol) -> Verdict {
    let samples = p.metric == .wall ? wall : cpu
    guard let stats = SampleStats(samples) else { return .continue }
    let converged = stats.count >= p.minSamples && stats.relativeIQR <= p.targetRelativeIQR
    let capped = stats.count >= 3
      && (stats.count >= p.maxSamples || Double(timedNs) / 1e9 >= p.maxSecondsPerArch)
    guard converged || capped else { return .continue }
    let other = wallSeconds > 0 ? otherSeconds / wallSeconds : 0
    let noisy = !converged || other >= p.noisyOtherCores
    attempts.append(Attempt(stats: stats, samples: samples, cpu: cpu, otherCores: other, noisy: noisy))
    if noisy && attempts.count <= p.remeasureLimit {
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
