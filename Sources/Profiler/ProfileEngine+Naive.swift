import Counters
import Foundation
import Runtime

/// The naive protocol (`--protocol naive`), the baseline of `tools/retest_bench.sh`.
extension ProfileEngine {
  /// The naive protocol: each arch built, warmed up and timed `naiveRuns` times back to back; rows as they finish.
  func measureNaive(_ archs: [ArchSpec], _ p: MeasurementProtocol, counterSet: CounterSet,
                    totals t: inout Totals, progress: ((ProfileProgress) -> Void)?,
                    onRow: ((ProfileRow) throws -> Void)?) throws {
    t.visitsPlanned = archs.count
    for (i, spec) in archs.enumerated() {
      if shouldStop() { throw Stopped() }
      let st = ArchState(spec: spec, position: i)
      let snap = CPUSnapshot.now()
      let w = try prepare(st, p)
      _ = timeRuns(st, w, p.naiveRuns)
      st.workload = nil
      st.sweeps = 1
      if let a = snap, let b = CPUSnapshot.now() {
        let load = CPULoad(from: a, to: b)
        st.otherSeconds = load.otherCores * load.seconds
        st.wallSeconds = load.seconds
        t.otherSeconds += st.otherSeconds
        t.wallSeconds += load.seconds
        t.lastOther = load.otherCores
        t.maxOther = max(t.maxOther, load.otherCores)
      }
      guard let r = st.result(p, filterPreempted: false) else {
        throw ProfilerError("internal: arch \(st.spec.key) has no samples", kind: .runtime)
      }
      let row = try finish(st, r, p, counterSet: counterSet, layers: &t.layers)
      if row.noisy { t.noisy += 1 }
      t.rows.append((st.position, row))
      t.visitsDone += 1
      try onRow?(row)
      progress?(makeProgress(&t, lastRow: row))
    }
  }
}
