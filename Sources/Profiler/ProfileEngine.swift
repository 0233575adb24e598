import Counters
import Foundation
import Runtime

/// Runs the measurement protocol (`MeasurementProtocol`) over many archs: blocks, sweeps, windows, rounds.
///
/// ```swift
/// let engine = ProfileEngine(settings: settings, factory: try RuntimeWorkload.factory(settings))
/// let outcome = try engine.measure(specs, progress: { print($0.done) }, onRow: { try file.append($0) })
/// ```
public final class ProfileEngine {
  public let settings: ProfileSettings
  let factory: WorkloadFactory
  /// The clocks of every timed run (PAPI; tests inject a fake one).
  public var clock = MeasurementClock.papi
  /// The machine's canary baselines (canary protocol): nil = every session uses its own fastest level.
  public var baselineStore: CanaryBaselineStore? = CanaryBaselineStore.processDefault
  /// Polled between rounds; returning true stops at once (rows of finished blocks are kept).
  public var shouldStop: () -> Bool = { false }
  /// The session's canary (canary protocol, during `measure`).
  private var canary: CanaryTracker?

  /// Running totals of one `measure` call.
  struct Totals {
    var start: UInt64 = 0
    var total = 0
    var rows: [(Int, ProfileRow)] = []
    var layers: [LayerTiming] = []
    var noisy = 0
    var remeasured = 0
    var otherSeconds = 0.0
    var wallSeconds = 0.0
    var maxOther = 0.0
    var lastOther = 0.0
    /// Sweep-visits done and planned, for the progress fraction.
    var visitsDone = 0
    var visitsPlanned = 0
    var pinnedCPU: Int?
    var pinNotes: [String] = []
    /// Largest fraction reported so far (extra sweeps add planned work; progress never goes back).
    var fractionReported = 0.0
  }

  struct Stopped: Error {}

  public init(settings: ProfileSettings, factory: @escaping WorkloadFactory) {
    self.settings = settings
    self.factory = factory
  }

  /// Measures `archs`; calls `onRow` (e.g. to append to the CSV) and `progress` as archs finish.
  public func measure(_ archs: [ArchSpec], progress: ((ProfileProgress) -> Void)? = nil,
                      onRow: ((ProfileRow) throws -> Void)? = nil) throws -> ProfileOutcome {
    try settings.validate()
    let p = settings.measurement
    let counterSet = CounterSet(requested: settings.counters)
    let counterNote = counterSet.isEmpty
      ? (settings.counters.isEmpty ? "none requested" : "none available: " + (counterSet.statuses.first?.reason ?? ""))
      : "available: " + counterSet.activeNames.joined(separator: ", ")
    var t = Totals()
    t.total = archs.count
    t.visitsPlanned = archs.count * p.sweeps
    if settings.threads == 1 {
      let auto = p.pin == .auto
      let before = auto ? CPUSnapshot.now() : nil
      let runnable = auto ? RunQueue.average(samples: 6, interval: 0.025) : [:]
      let load = before.flatMap { a in CPUSnapshot.now().map { CPULoad(from: a, to: $0) } }
      let r = CPUPinning.pin(p.pin, load: load, runnable: runnable)
      t.pinnedCPU = r.cpu
      t.pinNotes.append(r.note)
    } else {
      t.pinNotes.append("not pinned: \(settings.threads) threads")
    }
    defer { if t.pinnedCPU != nil { CPUPinning.unpin() } }
    t.start = clock.wall()
    canary = nil
    defer { canary = nil }
    if p.kind == .canary && !archs.isEmpty {
      let c = try CanaryTracker(spec: try CanaryArch.spec(settings.space), factory: factory, protocol: p, clock: clock)
      canary = c
      if let store = baselineStore { useStoredBaseline(c, store) }
    }
    var interrupted = false
    do {
      if p.kind == .naive {
        try measureNaive(archs, p, counterSet: counterSet, totals: &t, progress: progress, onRow: onRow)
      }
      for blockStart in stride(from: 0, to: p.kind == .naive ? 0 : archs.count, by: p.block) {
        let states = (blockStart..<min(archs.count, blockStart + p.block)).map {
          ArchState(spec: archs[$0], position: $0)
        }
        try measureBlock(states, p, counterSet: counterSet, totals: &t, progress: progress, onRow: onRow)
      }
    } catch is Stopped {
      interrupted = true
    }
    if let c = canary, let store = baselineStore, c.baselineCache != nil { updateStoredBaseline(c, store) }
    let sessionNs = clock.wall() &- t.start
    let seconds = Double(sessionNs) / 1e9
    var summary = ProfileSummary(
      archs: t.rows.count, noisy: t.noisy, remeasured: t.remeasured, seconds: seconds,
      archsPerMinute: seconds > 0 ? Double(t.rows.count) / seconds * 60 : 0,
      meanOtherCores: t.wallSeconds > 0 ? t.otherSeconds / t.wallSeconds : 0, maxOtherCores: t.maxOther,
      pinning: t.pinNotes, counters: counterNote, interrupted: interrupted)
    summary.protocolKind = p.kind.rawValue
    summary.canary = canary?.summary(sessionNs: sessionNs)
    var rows = t.rows.sorted { $0.0 < $1.0 }.map(\.1)
    if let c = canary { rows = rows.map { ProfileEngine.rescaled($0, baseline: c.baseline) } }
    return ProfileOutcome(rows: rows, layers: t.layers, summary: summary)
  }

  /// Base sweeps, extra sweeps for disturbed archs, then counter/layer passes and rows, for one block.
  private func measureBlock(_ states: [ArchState], _ p: MeasurementProtocol, counterSet: CounterSet,
                            totals t: inout Totals, progress: ((ProfileProgress) -> Void)?,
                            onRow: ((ProfileRow) throws -> Void)?) throws {
    let filter = p.dropPreempted && p.metric == .wall && settings.threads == 1
    let quota = (p.minSamples + p.sweeps - 1) / p.sweeps
    for _ in 0..<p.sweeps {
      try sweep(states, quota: quota, p, totals: &t, progress: progress)
    }
    for extra in 0..<(p.remeasureLimit + (canary != nil ? p.shortArchExtraSweeps : 0)) {
      let todo = states.filter { st in
        (extra < p.remeasureLimit || st.shorterThanCanary) && !st.capped(p)
          && (st.result(p, filterPreempted: filter, baseline: canary?.baseline)?.disturbed ?? true)
      }
      if todo.isEmpty { break }
      if extra == 0 { t.remeasured += todo.count }
      t.visitsPlanned += todo.count
      try sweep(todo, quota: max(quota, p.samplesPerRound), p, totals: &t, progress: progress)
    }
    for st in states {
      guard let r = st.result(p, filterPreempted: filter, baseline: canary?.baseline) else {
        throw ProfilerError("internal: arch \(st.spec.key) has no samples", kind: .runtime)
      }
      let row = try finish(st, r, p, counterSet: counterSet, layers: &t.layers)
      if row.noisy { t.noisy += 1 }
      t.rows.append((st.position, row))
      try onRow?(row)
      progress?(makeProgress(&t, lastRow: row))
    }
  }

  /// One sweep over `states`: window by window, build + warm up, interleaved rounds to `quota` runs, free.
  private func sweep(_ states: [ArchState], quota: Int, _ p: MeasurementProtocol, totals t: inout Totals,
                     progress: ((ProfileProgress) -> Void)?) throws {
    for st in states { st.runsAtSweepStart = st.wall.count }
    for windowStart in stride(from: 0, to: states.count, by: p.window) {
      let window = Array(states[windowStart..<min(states.count, windowStart + p.window)])
      let windowSnap = CPUSnapshot.now()
      var round = 0
      var pending = window
      // Canary: build and warm the window first, so the boundary before the first round is close to its runs.
      if canary != nil { for st in window where st.workload == nil { try prepare(st, p) } }
      var boundary: (ms: Double, t: Double)?
      while !pending.isEmpty {
        if shouldStop() { throw Stopped() }
        let snapA = CPUSnapshot.now()
        if let c = canary, boundary == nil { boundary = c.level() }
        var timed: [(st: ArchState, first: Int, t: Double)] = []
        for k in pending.indices {
          let st = pending[(k + round) % pending.count]
          let first = st.wall.count
          let runs = min(p.samplesPerRound * st.runScale, quota * st.runScale - st.runsThisSweep)
          if let mid = try timeRound(st, runs: runs, p) {
            if let c = canary, p.canaryPerArch, let b0 = boundary {
              // Bracket every arch's runs: the level after this arch is the one before the next.
              let b1 = c.level()
              let slow = c.countRound(b0.ms, b1.ms)
              let level = p.canarySmoothing > 1
                ? (CanaryEstimate.smoothed(levels: c.levels, last: p.canarySmoothing) ?? b1.ms) : (b0.ms + b1.ms) / 2
              st.canary += Array(repeating: level, count: st.wall.count - first)
              if slow { st.slowRounds += 1 }
              boundary = b1
            } else {
              timed.append((st, first, mid))
            }
          }
        }
        if let c = canary, !p.canaryPerArch, let b0 = boundary {
          let b1 = c.level()
          let slow = c.countRound(b0.ms, b1.ms)
          let smooth = p.canarySmoothing > 1 ? CanaryEstimate.smoothed(levels: c.levels, last: p.canarySmoothing) : nil
          for e in timed {
            let level = smooth ?? CanaryEstimate.interpolate(t: e.t, t0: b0.t, c0: b0.ms, t1: b1.t, c1: b1.ms)
            e.st.canary += Array(repeating: level, count: e.st.wall.count - e.first)
            if slow { e.st.slowRounds += 1 }
          }
          boundary = b1
        }
        round += 1
        if let a = snapA, let b = CPUSnapshot.now() {
          let load = CPULoad(from: a, to: b)
          t.lastOther = load.otherCores
          t.maxOther = max(t.maxOther, load.otherCores)
          t.otherSeconds += load.otherCores * load.seconds
          t.wallSeconds += load.seconds
          for st in pending {
            st.otherSeconds += load.otherCores * load.seconds
            st.wallSeconds += load.seconds
          }
        }
        pending = pending.filter { $0.runsThisSweep < quota * $0.runScale && !$0.capped(p) }
      }
      for st in window {
        st.workload = nil
        st.sweeps += 1
      }
      t.visitsDone += window.count
      progress?(makeProgress(&t, lastRow: nil))
      repin(p, since: windowSnap, totals: &t)
    }
  }

  /// Moves an auto-pinned thread to a CPU that other processes used clearly less during the last window.
  private func repin(_ p: MeasurementProtocol, since snap: CPUSnapshot?, totals t: inout Totals) {
    guard p.pin == .auto, let cpu = t.pinnedCPU, let a = snap, let b = CPUSnapshot.now() else { return }
    let load = CPULoad(from: a, to: b)
    let runnable = RunQueue.average(samples: 3, interval: 0.005)
    guard let better = CPUPinning.leastBusyCPU(among: CPUPinning.allowedCPUs(), load: load, runnable: runnable,
                                               excludingSelfOn: cpu),
          better != cpu else { return }
    let qHere = runnable[cpu] ?? 0, qThere = runnable[better] ?? 0
    let here = max(0, (cpu < load.perCPUBusy.count ? load.perCPUBusy[cpu] : 0) - load.selfCores)
    let there = better < load.perCPUBusy.count ? load.perCPUBusy[better] : 0
    guard qHere - qThere >= 0.5 || (abs(qHere - qThere) < 0.5 && here - there >= 0.25),
          let c = CPUPinning.pin(.cpu(better), load: nil).cpu else { return }
    t.pinnedCPU = c
    if t.pinNotes.count < 20 {
      t.pinNotes.append(String(format: "moved to CPU %d after %d of %d sweep visits (runnable tasks of others "
        + "%.1f on CPU %d, %.1f on CPU %d; busy %.0f%% / %.0f%%)", c, t.visitsDone, t.visitsPlanned, qHere, cpu,
        qThere, c, here * 100, there * 100))
    }
  }

  func makeProgress(_ t: inout Totals, lastRow: ProfileRow?) -> ProfileProgress {
    let elapsed = Double(clock.wall() &- t.start) / 1e9
    var frac = t.visitsPlanned > 0 ? min(1, Double(t.visitsDone) / Double(t.visitsPlanned)) : 1
    if lastRow != nil { frac = max(frac, Double(t.rows.count) / Double(max(1, t.total))) }
    frac = max(frac, t.fractionReported)
    t.fractionReported = frac
    let archsDone = frac * Double(t.total)
    let rate = elapsed > 0 ? archsDone / elapsed * 60 : 0
    return ProfileProgress(
      done: t.rows.count, total: t.total, noisy: t.noisy, remeasured: t.remeasured, elapsedSeconds: elapsed,
      archsPerMinute: rate, etaSeconds: frac > 0 ? elapsed * (1 - frac) / frac : 0, otherCores: t.lastOther,
      fractionDone: frac, lastRow: lastRow)
  }

  /// Builds an arch's network and warms it up (`warmupRuns`/`warmupSeconds` on its first sweep, else re-warm runs).
  @discardableResult
  func prepare(_ st: ArchState, _ p: MeasurementProtocol) throws -> Workload {
    let w = try factory(st.spec)
    st.workload = w
    if st.sweeps == 0 {
      let t0 = clock.wall()
      var n = 0
      let minNs = UInt64(p.warmupSeconds * 1e9)
      while n < p.warmupRuns || (clock.wall() &- t0 < minNs && n < 1000) {
        let r0 = clock.wall()
        w.run()
        let ms = Double(clock.wall() &- r0) / 1e6
        st.warmupMs = min(st.warmupMs ?? ms, ms)
        n += 1
      }
      if let c = canary, let ms = st.warmupMs { st.shorterThanCanary = ms < (c.levels.last ?? c.baseline) }
      if p.shortArchRunScale > 1, let c = canary, let ms = st.warmupMs, ms > 0 {
        st.runScale = max(1, min(p.shortArchRunScale, Int((c.baseline / ms).rounded())))
      }
    } else {
      for _ in 0..<max(1, p.rewarmRuns) { w.run() }
    }
    return w
  }

  /// One round for one arch: build + warm up on first use in this sweep, re-warm, then `runs` timed runs.
  /// Returns the midpoint time (ns) of the timed runs, nil when there were none.
  private func timeRound(_ st: ArchState, runs: Int, _ p: MeasurementProtocol) throws -> Double? {
    guard runs > 0 else { return nil }
    let w: Workload
    if let existing = st.workload {
      w = existing
      for _ in 0..<p.rewarmRuns { w.run() }
    } else {
      w = try prepare(st, p)
    }
    return timeRuns(st, w, runs)
  }

  /// `runs` timed runs of `w` into `st`; the midpoint time (ns) of the first start and the last end.
  func timeRuns(_ st: ArchState, _ w: Workload, _ runs: Int) -> Double {
    var first: UInt64 = 0, last: UInt64 = 0
    if runs > 0 { st.roundSizes.append(runs) }
    for i in 0..<runs {
      let c0 = clock.cpu()
      let t0 = clock.wall()
      w.run()
      let t1 = clock.wall()
      let c1 = clock.cpu()
      if i == 0 { first = t0 }
      last = t1
      st.wall.append(Double(t1 &- t0) / 1e6)
      st.cpu.append(Double(c1 &- c0) / 1e6)
      st.timedNs &+= t1 &- t0
    }
    return (Double(first) + Double(last)) / 2
  }
}
