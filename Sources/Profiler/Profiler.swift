import Counters
import Foundation
import SafeIO
import SearchSpace

/// The profiling API: measure architectures in memory, or into a resumable CSV with a JSON sidecar.
///
/// For `helpprof embed`/`adapt`:
/// ```swift
/// var settings = ProfileSettings(space: .nb201, dataset: "cifar10")
/// let rows = try Profiler.measureNB201(indices: [1462, 3, 99], settings: settings) { p in
///   print("\(p.done)/\(p.total)")
/// }
/// print(rows.map(\.latencyMs))
/// ```
public enum Profiler {
  /// Measures `archs` with the runtime networks; rows come back in input order.
  /// `factory` replaces the runtime (tests); `shouldStop` is polled between rounds.
  public static func measure(_ archs: [ArchSpec], settings: ProfileSettings,
                             factory: WorkloadFactory? = nil,
                             progress: ((ProfileProgress) -> Void)? = nil,
                             onRow: ((ProfileRow) throws -> Void)? = nil,
                             shouldStop: @escaping () -> Bool = { false }) throws -> ProfileOutcome {
    try settings.validate()
    for a in archs where a.space != settings.space {
      throw ProfilerError("arch \(a.archString) is \(a.space.rawValue) but the settings are for \(settings.space.rawValue)")
    }
    let engine = ProfileEngine(settings: settings, factory: try factory ?? RuntimeWorkload.factory(settings))
    engine.shouldStop = shouldStop
    return try engine.measure(archs, progress: progress, onRow: onRow)
  }

  /// Measures NB201 cells by official index (0...15624).
  public static func measureNB201(indices: [Int], settings: ProfileSettings,
                                  progress: ((ProfileProgress) -> Void)? = nil) throws -> [ProfileRow] {
    try measure(try ArchSelection.nb201(indices: indices), settings: settings, progress: progress).rows
  }

  /// Result of a file-backed profile.
  public struct FileOutcome: Sendable {
    /// Rows measured by this call (not those found in the file).
    public var outcome: ProfileOutcome
    /// Rows that were already in the CSV and skipped.
    public var alreadyDone: Int
    /// Bytes of a torn last line dropped on resume.
    public var droppedTornBytes: Int
    public var csvPath: String
    public var sidecarPath: String
  }

  /// Profiles `archs` into `csvPath` (+ `csvPath.json`), resuming: archs already in the CSV are skipped, a torn
  /// last line is cut, and a CSV whose sidecar settings differ is refused. Each row is appended and fsynced.
  public static func profile(_ archs: [ArchSpec], settings: ProfileSettings, csvPath: String,
                             command: [String] = CommandLine.arguments, factory: WorkloadFactory? = nil,
                             host: HostInfo? = nil,
                             progress: ((ProfileProgress) -> Void)? = nil,
                             shouldStop: @escaping () -> Bool = { false }) throws -> FileOutcome {
    try settings.validate()
    let device = settings.device
    let sidecarPath = ProfileSidecar.path(forCSV: csvPath)
    try checkOutputNames(csvPath, layers: settings.measurement.layerRuns > 0)
    // One writer per CSV: a second `profile --out` on the same file is refused (it would append every arch again
    // and could write a second header). The lock is on the CSV itself, which is only ever appended to.
    let createdHere = fileSize(csvPath) <= 0
    let lock = try lockOutput(csvPath)
    defer { lock.release() }
    var appended = 0
    do {
      let existing = try ProfileSidecar.load(path: sidecarPath)
      // An empty file (a crash before the header, or the lock's own creation) is a new profile.
      let csvExists = !createdHere
      let rowsInFile = csvExists ? ((try? ProfileCSVFile.readRows(path: csvPath))?.count ?? -1) : 0
      if let existing, csvExists {
        try existing.checkResumable(settings: settings, device: device, csvPath: csvPath)
      } else if csvExists && rowsInFile != 0 {
        throw ProfilerError("\(csvPath) exists but its sidecar \(sidecarPath) is missing, so its settings cannot be "
          + "checked: use another --out or remove the file", kind: .usage)
      }
      let file = try ProfileCSVFile(path: csvPath)
      let done = file.doneKeys
      var seen = Set<String>()
      let todo = archs.filter { !done.contains($0.key) && seen.insert($0.key).inserted }
      let hostInfo = host ?? HostInfo.collect(sampleSeconds: 0.2, counters: settings.counters)
      let iso = ISO8601DateFormatter()
      var sidecar = (csvExists ? existing : nil) ?? ProfileSidecar(settings: settings, device: device, runs: [])
      var run = ProfileSidecar.Run(startedAt: iso.string(from: Date()), command: command, requested: archs.count,
                                   alreadyDone: archs.count - todo.count, droppedTornBytes: file.droppedTornBytes,
                                   host: hostInfo)
      sidecar.runs.append(run)
      try writeAtomically(try sidecar.encoded(), to: sidecarPath)
      let outcome = try measure(todo, settings: settings, factory: factory, progress: progress,
                                onRow: { try file.append($0); appended += 1 }, shouldStop: shouldStop)
      if outcome.summary.canary != nil && !outcome.rows.isEmpty {
        try rewriteWithFinalBaseline(csvPath: csvPath, rows: outcome.rows, legacy: file.legacyFormat)
      }
      run.finishedAt = iso.string(from: Date())
      run.summary = outcome.summary
      sidecar.runs[sidecar.runs.count - 1] = run
      try writeAtomically(try sidecar.encoded(), to: sidecarPath)
      return FileOutcome(outcome: outcome, alreadyDone: archs.count - todo.count,
                         droppedTornBytes: file.droppedTornBytes, csvPath: csvPath, sidecarPath: sidecarPath)
    } catch {
      // A profile that failed before its first row leaves nothing behind (no header-only CSV blocking a rerun).
      if createdHere && appended == 0 {
        unlink(csvPath)
        unlink(sidecarPath)
      }
      throw error
    }
  }

  /// Replaces this session's rows in the CSV by `rows` (the same archs, scaled by the session's final canary
  /// baseline, so every row of a session shares one baseline), atomically; other rows stay as they are.
  static func rewriteWithFinalBaseline(csvPath: String, rows: [ProfileRow], legacy: Bool) throws {
    var byKey: [String: ProfileRow] = [:]
    for r in rows { byKey[r.key] = r }
    let current = try ProfileCSVFile.readRows(path: csvPath)
    var text = (legacy ? ProfileRow.legacyHeader : ProfileRow.header) + "\n"
    for r in current { text += (byKey[r.key] ?? r).csvLine(legacy: legacy) + "\n" }
    try writeAtomically(Data(text.utf8), to: csvPath)
  }

  /// Refuses (before anything is created) an --out whose own name or whose sidecar's fits no file name.
  static func checkOutputNames(_ csvPath: String, layers: Bool) throws {
    let suffixes = [".json"] + (layers ? [".layers.csv"] : [])
    for suffix in [""] + suffixes {
      do {
        try AtomicFile.checkName(csvPath + suffix)
      } catch let e as IOFailure {
        let longest = suffixes.map(\.utf8.count).max() ?? 0
        throw ProfilerError("--out \(csvPath): \(e.reason)" + (suffix.isEmpty ? "" : " for \(csvPath.split(separator: "/").last ?? "")\(suffix)")
          + "; use a name of at most \(AtomicFile.nameMax - longest) bytes", kind: .usage)
      }
    }
  }

  /// Takes the exclusive lock on the CSV (creating it empty when missing).
  static func lockOutput(_ csvPath: String) throws -> FileLock {
    do {
      return try FileLock.acquire(csvPath)
    } catch let e as FileLock.Busy {
      throw ProfilerError("\(e.path) is being written by another helpprof profile (it holds a lock on it): wait "
        + "for that run to finish, or use another --out", kind: .runtime)
    } catch let e as IOFailure {
      throw ProfilerError(e.description, kind: .runtime)
    }
  }

  /// Size of the file at `path` in bytes, -1 when it does not exist.
  static func fileSize(_ path: String) -> Int {
    var st = stat()
    return stat(path, &st) == 0 ? Int(st.st_size) : -1
  }

  /// Writes `data` atomically (SafeIO's `AtomicFile`), errors as run-time `ProfilerError`s.
  static func writeAtomically(_ data: Data, to path: String) throws {
    do {
      try AtomicFile.write(data, to: path)
    } catch let e as IOFailure {
      throw ProfilerError(e.description, kind: .runtime)
    }
  }
}
