import Counters
import Foundation

/// Progress of a profile, passed to the progress callback after every finished arch.
public struct ProfileProgress: Sendable {
  public var done: Int
  public var total: Int
  public var noisy: Int
  public var remeasured: Int
  public var elapsedSeconds: Double
  /// Finished archs per minute so far.
  public var archsPerMinute: Double
  /// Estimated seconds left at the current rate.
  public var etaSeconds: Double
  /// Other processes' CPU use over the last round, in CPUs.
  public var otherCores: Double
  public var lastRow: ProfileRow?
}

/// Totals of one `measure` call.
public struct ProfileSummary: Codable, Sendable, Equatable {
  public var archs: Int
  public var noisy: Int
  public var remeasured: Int
  public var seconds: Double
  public var archsPerMinute: Double
  /// Mean other-process CPU use over the measurement, in CPUs.
  public var meanOtherCores: Double
  /// Largest other-process CPU use in one round.
  public var maxOtherCores: Double
  /// Pinning notes (first pin, then any move to a quieter CPU).
  public var pinning: [String]
  /// Counter availability ("available: ..." or the reason none are).
  public var counters: String
  /// True when the run stopped early (shouldStop returned true).
  public var interrupted: Bool
}

/// Median time of one layer over the layer pass.
public struct LayerTiming: Codable, Sendable, Equatable {
  public var archIndex: Int
  public var archString: String
  public var position: Int
  public var name: String
  public var kind: String
  public var medianMs: Double
}

/// Result of `ProfileEngine.measure`: rows in input order, layer timings, totals.
public struct ProfileOutcome: Sendable {
  public var rows: [ProfileRow]
  public var layers: [LayerTiming]
  public var summary: ProfileSummary
}

/// Runs the measurement protocol (`MeasurementProtocol`) over many archs, window by window, in interleaved rounds.
///
/// ```swift
/// let engine = ProfileEngine(settings: settings, factory: RuntimeWorkload.factory(settings))
/// let outcome = try engine.measure(specs, progress: { print($0.done) }, onRow: { try file.append($0) })
/// ```
public final class ProfileEngine {
  public let settings: ProfileSettings
  private let factory: WorkloadFactory
  private let papi = PAPIContext.shared
  /// Polled between rounds; returning true stops after the current round (finished rows are kept).
  public var shouldStop: () -> Bool = { false }

  public init(settings: ProfileSettings, factory: @escaping WorkloadFactory) {
    self.settings = settings
    self.factory = factory
  }

  /// Measures `archs`; calls `onRow` (e.g. to append to the CSV) and `progress` as each arch finishes.
  public func measure(_ archs: [ArchSpec], progress: ((ProfileProgress) -> Void)? = nil,
                      onRow: ((ProfileRow) throws -> Void)? = nil) throws -> ProfileOutcome {
    try settings.validate()
    let p = settings.measurement
    let device = settings.device
    let counterSet = CounterSet(requested: settings.counters)
    let counterNote = counterSet.isEmpty
      ? (settings.counters.isEmpty ? "none requested" : "none available: " + (counterSet.statuses.first?.reason ?? ""))
      : "available: " + counterSet.activeNames.joined(separator: ", ")

    var pinNotes: [String] = []
    var pinnedCPU: Int?
    if settings.threads == 1 {
      let r = CPUPinning.pin(p.pin, load: p.pin == .auto ? CPULoad.sample(seconds: 0.1) : nil)
      pinnedCPU = r.cpu
      pinNotes.append(r.note)
    } else {
      pinNotes.append("not pinned: \(settings.threads) threads")
    }
    defer { if pinnedCPU != nil { CPUPinning.unpin() } }

    let start = papi.realNanoseconds()
    var rows: [(Int, ProfileRow)] = []
    var layers: [LayerTiming] = []
    var noisy = 0, remeasured = 0
    var otherSeconds = 0.0, wallSeconds = 0.0, maxOther = 0.0, lastOther = 0.0
    var interrupted = false
    let positions = Array(archs.indices)
    let filterPreempted = p.dropPreempted && p.metric == .wall && settings.threads == 1

    windows: for windowStart in stride(from: 0, to: positions.count, by: p.window) {
      let window = positions[windowStart..<min(positions.count, windowStart + p.window)]
      var pending = window.map { ArchState(spec: archs[$0], position: $0) }
      let windowSnap = CPUSnapshot.now()
      var round = 0
      while !pending.isEmpty {
        if shouldStop() {
          interrupted = true
          break windows
        }
        let snapA = CPUSnapshot.now()
        let order = pending.indices.map { pending[($0 + round) % pending.count] }
        for st in order { try timeRound(st, p) }
        round += 1
        if let a = snapA, let b = CPUSnapshot.now() {
          let load = CPULoad(from: a, to: b)
          lastOther = load.otherCores
          maxOther = max(maxOther, load.otherCores)
          otherSeconds += load.otherCores * load.seconds
          wallSeconds += load.seconds
          for st in order {
            st.otherSeconds += load.otherCores * load.seconds
            st.wallSeconds += load.seconds
          }
        }
        var still: [ArchState] = []
        for st in pending {
          switch st.evaluate(p, filterPreempted: filterPreempted) {
          case .continue:
            still.append(st)
          case .remeasure:
            remeasured += st.attempts.count == 1 ? 1 : 0
            still.append(st)
          case .done:
            let row = try finish(st, p, device: device, counterSet: counterSet, layers: &layers)
            if row.noisy { noisy += 1 }
            rows.append((st.position, row))
            try onRow?(row)
            let elapsed = Double(papi.realNanoseconds() &- start) / 1e9
            let rate = elapsed > 0 ? Double(rows.count) / elapsed * 60 : 0
            progress?(ProfileProgress(
              done: rows.count, total: archs.count, noisy: noisy, remeasured: remeasured, elapsedSeconds: elapsed,
              archsPerMinute: rate, etaSeconds: rate > 0 ? Double(archs.count - rows.count) / rate * 60 : 0,
              otherCores: lastOther, lastRow: row))
          }
        }
        pending = still
      }
      if p.pin == .auto, let cpu = pinnedCPU, let a = windowSnap, let b = CPUSnapshot.now(),
         let better = CPUPinning.leastBusyCPU(among: CPUPinning.allowedCPUs(), load: CPULoad(from: a, to: b),
                                              excludingSelfOn: cpu), better != cpu {
        let load = CPULoad(from: a, to: b)
        let here = max(0, (cpu < load.perCPUBusy.count ? load.perCPUBusy[cpu] : 0) - load.selfCores)
        let there = better < load.perCPUBusy.count ? load.perCPUBusy[better] : 0
        if here - there >= 0.25 {
          let r = CPUPinning.pin(.cpu(better), load: nil)
          if let c = r.cpu {
            pinnedCPU = c
            pinNotes.append(String(format: "moved to CPU %d after %d archs (others used %.0f%% of CPU %d, %.0f%% of CPU %d)",
                                   c, rows.count, here * 100, cpu, there * 100, c))
          }
        }
      }
    }

    let seconds = Double(papi.realNanoseconds() &- start) / 1e9
    let summary = ProfileSummary(
      archs: rows.count, noisy: noisy, remeasured: remeasured, seconds: seconds,
      archsPerMinute: seconds > 0 ? Double(rows.count) / seconds * 60 : 0,
      meanOtherCores: wallSeconds > 0 ? otherSeconds / wallSeconds : 0, maxOtherCores: maxOther,
      pinning: pinNotes, counters: counterNote, interrupted: interrupted)
    return ProfileOutcome(rows: rows.sorted { $0.0 < $1.0 }.map(\.1), layers: layers, summary: summary)
  }

  /// One round for one arch: build + warm up on first use, re-warm, then `samplesPerRound` timed runs.
  private func timeRound(_ st: ArchState, _ p: MeasurementProtocol) throws {
    let w: Workload
    if let existing = st.workload {
      w = existing
      for _ in 0..<p.rewarmRuns { w.run() }
    } else {
      w = try factory(st.spec)
      st.workload = w
      let t0 = papi.realNanoseconds()
      var runs = 0
      let minNs = UInt64(p.warmupSeconds * 1e9)
      while runs < p.warmupRuns || (papi.realNanoseconds() &- t0 < minNs && runs < 1000) {
        w.run()
        runs += 1
      }
    }
    for _ in 0..<p.samplesPerRound {
      let c0 = papi.threadCPUNanoseconds()
      let t0 = papi.realNanoseconds()
      w.run()
      let t1 = papi.realNanoseconds()
      let c1 = papi.threadCPUNanoseconds()
      st.wall.append(Double(t1 &- t0) / 1e6)
      st.cpu.append(Double(c1 &- c0) / 1e6)
      st.timedNs &+= t1 &- t0
    }
  }

  /// Counter pass, layer pass, release of the network, and the row.
  private func finish(_ st: ArchState, _ p: MeasurementProtocol, device: String, counterSet: CounterSet,
                      layers: inout [LayerTiming]) throws -> ProfileRow {
    // Prefer attempts that were not disturbed, then the smallest relative IQR.
    guard let best = st.attempts.min(by: { a, b in
      let da = a.reasons.contains("spread") || a.reasons.contains("preempted")
      let db = b.reasons.contains("spread") || b.reasons.contains("preempted")
      return da != db ? !da : a.stats.relativeIQR < b.stats.relativeIQR
    }) else {
      throw ProfilerError("internal: arch \(st.spec.key) finished without an attempt", kind: .runtime)
    }
    var counters: [ProfileRow.CounterValue] = []
    if let w = st.workload, !counterSet.isEmpty {
      var runs: [[Int64]] = []
      for _ in 0..<p.counterRuns { if let v = counterSet.measure({ w.run() }) { runs.append(v) } }
      if !runs.isEmpty {
        for (k, name) in counterSet.activeNames.enumerated() {
          let vals = runs.map { $0[k] }.sorted()
          counters.append(.init(name: name, value: vals[vals.count / 2]))
        }
      }
    }
    if let w = st.workload, p.layerRuns > 0 {
      var perLayer: [[Double]] = []
      var names: [(String, String)] = []
      for r in 0..<p.layerRuns {
        let t = w.runTimingLayers(now: { papi.realNanoseconds() })
        if r == 0 {
          names = t.map { ($0.name, $0.kind) }
          perLayer = Array(repeating: [], count: t.count)
        }
        for (i, x) in t.enumerated() where i < perLayer.count { perLayer[i].append(Double(x.nanoseconds) / 1e6) }
      }
      for (i, (name, kind)) in names.enumerated() {
        let med = SampleStats(perLayer[i])?.median ?? 0
        layers.append(LayerTiming(archIndex: st.spec.archIndex, archString: st.spec.archString, position: i,
                                  name: name, kind: kind, medianMs: med))
      }
    }
    st.workload = nil
    let s = best.stats
    return ProfileRow(
      device: device, dataset: settings.dataset, archIndex: st.spec.archIndex, archString: st.spec.archString,
      latencyMs: s.median, p10Ms: s.p10, p90Ms: s.p90, iqrMs: s.iqr, minMs: s.min, n: s.count,
      noisy: best.noisy, cpuMs: SampleStats(best.cpu)?.median ?? 0, otherCPU: best.otherCores,
      attempts: st.attempts.count, preempted: best.preempted, noisyReasons: best.reasons, counters: counters,
      samplesMs: best.samples)
  }
}
