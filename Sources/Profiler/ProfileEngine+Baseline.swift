import Counters
import Foundation
import Runtime

/// The machine's canary baseline record (`CanaryBaselineStore`): read at the start of a canary session, recorded at
/// its end.
extension ProfileEngine {
  /// The store's key for this session's setting.
  private func baselineKey(_ c: CanaryTracker, _ store: CanaryBaselineStore) -> String {
    store.key(settings: settings, canary: c.spec.archString, cpu: CanaryBaselineStore.localCPU,
              openBLASCore: RuntimeInfo.openBLASCoreName)
  }

  /// Fixes the session's baseline to the machine's record when there is one. A setting without a record keeps the
  /// session's own baseline and records it at the end (`updateStoredBaseline`): the record is measured in the same
  /// conditions as the levels it scales (the canary interleaved with other networks, not run alone and cache-hot).
  /// A store that cannot be read leaves the session on its own baseline, with a note.
  func useStoredBaseline(_ c: CanaryTracker, _ store: CanaryBaselineStore) {
    c.baselineCache = store.path
    do {
      if let e = try store.entry(baselineKey(c, store)) {
        c.fixedBaseline = e.baselineMs
        c.baselineSource = "cache"
      } else {
        c.baselineSource = "recorded"
      }
    } catch {
      c.baselineCache = nil
      c.baselineNote = "canary baseline cache \(store.path) not used: \(error)"
    }
  }

  /// At the end of a session: a setting without a record records the session's own baseline (when it has enough
  /// canary levels); a session on the record is counted, and noted when its own fastest level is far below the
  /// record (`CanaryBaselineStore.noteFactor`). The record itself never changes: every session shares it.
  func updateStoredBaseline(_ c: CanaryTracker, _ store: CanaryBaselineStore) {
    let own = c.sessionBaseline
    var value: Double? = nil
    if let fixed = c.fixedBaseline {
      if own < store.noteFactor * fixed {
        c.baselineNote = String(format: "this session's fastest canary level %.4f ms is %.0f %% below the recorded "
          + "%.4f ms (kept, so sessions stay comparable); if the record came from a slow phase, delete %@ or set "
          + "HELPPROF_BASELINE_CACHE=off", own, 100 * (1 - own / fixed), fixed, store.path)
      }
    } else if c.levels.count >= store.minimumLevels {
      value = own
    } else {
      c.baselineNote = "too few canary levels (\(c.levels.count) < \(store.minimumLevels)) to record a baseline"
      return
    }
    do {
      try store.record(baselineKey(c, store), baselineMs: value)
    } catch {
      c.baselineNote = (c.baselineNote.map { $0 + "; " } ?? "") + "canary baseline cache not updated: \(error)"
    }
  }
}
