import Counters
import Foundation
import Runtime

/// From an arch's samples to its row: counter and layer passes, statistics, rescaling.
extension ProfileEngine {
  /// Counter pass and layer pass (on a fresh network, only when needed), and the row.
  func finish(_ st: ArchState, _ r: ArchState.Result, _ p: MeasurementProtocol, counterSet: CounterSet,
              layers: inout [LayerTiming]) throws -> ProfileRow {
    var counters: [ProfileRow.CounterValue] = []
    if !counterSet.isEmpty || p.layerRuns > 0 {
      let w = try factory(st.spec)
      for _ in 0..<max(1, p.rewarmRuns) { w.run() }
      if !counterSet.isEmpty {
        var runs: [[Int64]] = []
        for _ in 0..<p.counterRuns { if let v = counterSet.measure({ w.run() }) { runs.append(v) } }
        if !runs.isEmpty {
          for (k, name) in counterSet.activeNames.enumerated() {
            let vals = runs.map { $0[k] }.sorted()
            counters.append(.init(name: name, value: vals[vals.count / 2]))
          }
        }
      }
      if p.layerRuns > 0 { layers += layerPass(w, st.spec, runs: p.layerRuns) }
    }
    let s = r.stats
    let raw = ProfileEngine.statistic(s, p.statistic)
    return ProfileRow(
      device: settings.device, dataset: settings.dataset, archIndex: st.spec.archIndex,
      archString: st.spec.archString, latencyMs: r.estimate?.latencyMs ?? raw, p10Ms: s.p10, p90Ms: s.p90,
      iqrMs: s.iqr, minMs: s.min, n: s.count, noisy: r.noisy, cpuMs: SampleStats(r.cpu)?.median ?? 0,
      otherCPU: r.otherCores, sweeps: st.sweeps, preempted: r.preempted, noisyReasons: r.reasons, counters: counters,
      samplesMs: r.samples, rawLatencyMs: raw, canaryRatio: r.estimate?.ratio, canaryMs: r.estimate?.baseline,
      ciRel: r.relativeCI, slowRounds: st.slowRounds, canarySamplesMs: r.canary)
  }

  /// `row` with its canary ratio scaled by the session's final `baseline` (rows written during the session used
  /// the baseline so far; the final one is the same for every row of the session). Rows without a ratio unchanged.
  public static func rescaled(_ row: ProfileRow, baseline: Double) -> ProfileRow {
    guard let ratio = row.canaryRatio, baseline.isFinite, baseline > 0 else { return row }
    var r = row
    r.latencyMs = ratio * baseline
    r.canaryMs = baseline
    return r
  }

  /// The value of `statistic` in `s`.
  static func statistic(_ s: SampleStats, _ statistic: LatencyStatistic) -> Double {
    switch statistic {
    case .median: return s.median
    case .p10: return s.p10
    case .min: return s.min
    }
  }

  /// Median time of every layer over `runs` timed passes.
  private func layerPass(_ w: Workload, _ spec: ArchSpec, runs: Int) -> [LayerTiming] {
    var perLayer: [[Double]] = []
    var names: [(String, String)] = []
    for r in 0..<runs {
      let t = w.runTimingLayers(now: clock.wall)
      if r == 0 {
        names = t.map { ($0.name, $0.kind) }
        perLayer = Array(repeating: [], count: t.count)
      }
      for (i, x) in t.enumerated() where i < perLayer.count { perLayer[i].append(Double(x.nanoseconds) / 1e6) }
    }
    return names.enumerated().map { i, nk in
      LayerTiming(archIndex: spec.archIndex, archString: spec.archString, position: i, name: nk.0, kind: nk.1,
                  medianMs: SampleStats(perLayer[i])?.median ?? 0)
    }
  }
}
