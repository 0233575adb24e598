import Counters

/// The clocks the engine reads: wall and thread-CPU nanoseconds (PAPI by default; tests inject a fake).
public struct MeasurementClock {
  public var wall: () -> UInt64
  public var cpu: () -> UInt64
  public init(wall: @escaping () -> UInt64, cpu: @escaping () -> UInt64) {
    self.wall = wall
    self.cpu = cpu
  }
  /// PAPI's real and thread-virtual clocks.
  public static var papi: MeasurementClock {
    let p = PAPIContext.shared
    return MeasurementClock(wall: { p.realNanoseconds() }, cpu: { p.threadCPUNanoseconds() })
  }
}

/// What the canary did during one `measure` call (stored in the run summary of the sidecar).
public struct CanarySummary: Codable, Sendable, Equatable {
  /// The canary's arch string (NB201 cell or OFA config text).
  public var arch: String
  /// The session baseline (ms) at the end: quantile `baselineQuantile` of `levelsMs`.
  public var baselineMs: Double
  public var baselineQuantile: Double
  /// Every canary level (ms), one per round boundary, in order.
  public var levelsMs: [Double]
  /// Rounds timed and rounds whose canary level was above `slowFactor` × the baseline at the time.
  public var rounds: Int
  public var slowRounds: Int
  public var slowFactor: Double
  /// Timed canary runs (all boundaries) and their share of the session's wall time.
  public var timedRuns: Int
  public var overheadFraction: Double
  /// Where `baselineMs` came from: "session" (the session's own fastest level), "cache" (the machine's record in
  /// `CanaryBaselineStore`) or "recorded" (no record yet: the session's own, now recorded); nil in sidecars
  /// written before.
  public var baselineSource: String? = nil
  /// The session's own fastest level (ms) when the baseline came from the store.
  public var sessionBaselineMs: Double? = nil
  /// The store's file, and why it was not used when it could not be read or written.
  public var baselineCache: String? = nil
  public var baselineNote: String? = nil
}

/// The canary of one session: its network, every level measured so far, and slow-round counting.
final class CanaryTracker {
  /// Extra canary runs at a boundary whose timed runs were all preempted.
  static let extraRunsWhenPreempted = 4
  let spec: ArchSpec
  private let workload: Workload
  private let protocolSettings: MeasurementProtocol
  private let clock: MeasurementClock
  private(set) var levels: [Double] = []
  private(set) var rounds = 0
  private(set) var slowRounds = 0
  private(set) var timedRuns = 0
  private(set) var spentNs: UInt64 = 0
  /// A baseline fixed from outside the session (the machine's record); nil = the session's own.
  var fixedBaseline: Double?
  var baselineSource = "session"
  var baselineCache: String?
  var baselineNote: String?

  /// Builds the canary with `factory`, warms it up and measures a first few levels (the initial baseline).
  init(spec: ArchSpec, factory: WorkloadFactory, protocol p: MeasurementProtocol, clock: MeasurementClock) throws {
    self.spec = spec
    workload = try factory(spec)
    protocolSettings = p
    self.clock = clock
    let t0 = clock.wall()
    var n = 0
    // Once per session: at least 20 ms, whatever the archs' first warm-up.
    let minNs = UInt64(max(p.warmupSeconds, 0.02) * 1e9)
    while n < p.warmupRuns || (clock.wall() &- t0 < minNs && n < 1000) {
      workload.run()
      n += 1
    }
    for _ in 0..<3 { _ = level() }
  }

  /// Re-warms, times `canaryRuns` runs; returns the level (ms) and the midpoint time (ns) of the timed runs.
  /// The level is the fastest run that was not preempted (wall − thread CPU time within the protocol's slack);
  /// when every run was preempted, up to `extraRunsWhenPreempted` more are timed, and if all of those were
  /// preempted too, the smallest thread CPU time stands in (it leaves out the time spent descheduled).
  @discardableResult
  func level() -> (ms: Double, t: Double) {
    let p = protocolSettings
    let start = clock.wall()
    for _ in 0..<p.canaryRewarmRuns { workload.run() }
    var best = Double.infinity
    var bestCPU = Double.infinity
    var first: UInt64 = 0, last: UInt64 = 0
    var i = 0
    while i < p.canaryRuns || (best == .infinity && i < p.canaryRuns + CanaryTracker.extraRunsWhenPreempted) {
      let c0 = clock.cpu()
      let t0 = clock.wall()
      workload.run()
      let t1 = clock.wall()
      let c1 = clock.cpu()
      if i == 0 { first = t0 }
      last = t1
      let wall = Double(t1 &- t0) / 1e6, cpu = Double(c1 &- c0) / 1e6
      bestCPU = min(bestCPU, cpu)
      if p.metric == .cpu || !ArchState.preempted(wall: wall, cpu: cpu, p) {
        best = min(best, p.metric == .wall ? wall : cpu)
      } else if p.preemptedAsCPU {
        best = min(best, cpu)
      }
      i += 1
    }
    if best == .infinity { best = max(bestCPU, 1e-6) }
    timedRuns += i
    spentNs &+= clock.wall() &- start
    levels.append(best)
    return (best, (Double(first) + Double(last)) / 2)
  }

  /// The baseline rows are scaled by: the fixed one when set, else the session's own so far.
  var baseline: Double { fixedBaseline ?? sessionBaseline }

  /// The session's own baseline so far (the configured quantile of the levels).
  var sessionBaseline: Double {
    CanaryEstimate.baseline(levels: levels, quantile: protocolSettings.canaryBaselineQuantile) ?? 1
  }

  /// Counts one round whose boundary levels were `a` and `b`; true when it was slow.
  func countRound(_ a: Double, _ b: Double) -> Bool {
    rounds += 1
    let slow = (a + b) / 2 > protocolSettings.slowEpisodeFactor * baseline
    if slow { slowRounds += 1 }
    return slow
  }

  func summary(sessionNs: UInt64) -> CanarySummary {
    CanarySummary(arch: spec.archString, baselineMs: baseline, baselineQuantile: protocolSettings.canaryBaselineQuantile,
                  levelsMs: levels, rounds: rounds, slowRounds: slowRounds, slowFactor: protocolSettings.slowEpisodeFactor,
                  timedRuns: timedRuns, overheadFraction: sessionNs > 0 ? Double(spentNs) / Double(sessionNs) : 0,
                  baselineSource: baselineSource, sessionBaselineMs: fixedBaseline == nil ? nil : sessionBaseline,
                  baselineCache: baselineCache, baselineNote: baselineNote)
  }
}
