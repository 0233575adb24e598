import Counters
import Foundation
import SafeIO

/// The per-machine cache of canary baselines: the canary network's undisturbed speed on this machine, per
/// runtime setting, shared by every session (issue 12).
///
/// A session's own baseline (the fastest canary level it saw) depends on whether the session happened to see the
/// host's fast phase, and on how long it was: two short `embed` processes differed by 2–3 % in scale alone. With
/// the store, the first session of a setting (with at least `minimumLevels` canary levels) records its own
/// baseline; later sessions scale their ratios by the recorded baseline, so every session on the machine shares
/// one scale. The record is never changed by later sessions: a rule that lowered it when a session saw a clearly
/// faster canary (< 0.97×) shifted that session's rows by 6 % against the one before it (two `profile` processes
/// with `taskset -c 1 yes` running: one saw a 1.246 ms canary against a 1.329 ms record). A session whose own
/// fastest level is below `noteFactor` × the record says so in its note (the record may come from a slow phase:
/// delete the file, or set `HELPPROF_BASELINE_CACHE=off`, to record again).
///
/// The file is JSON (`canary-baselines.json` in `$HELPPROF_CACHE_DIR`, `$XDG_CACHE_HOME/helpprof` or
/// `~/.cache/helpprof`), written atomically under a lock; `HELPPROF_BASELINE_CACHE=off` turns the store off and
/// `HELPPROF_BASELINE_CACHE=PATH` names another file. An unreadable file is treated as empty (and noted).
public struct CanaryBaselineStore: Sendable {
  public let path: String
  /// A session with fewer canary levels than this does not create a record (its fastest level is too uncertain).
  public var minimumLevels: Int = 30
  /// A session's fastest level below this × the record is noted (the record is kept).
  public var noteFactor: Double = 0.9
  /// Part of every key: a new helpprof version (other kernels) starts a new record.
  public var toolVersion: String = "unknown"

  /// One recorded baseline.
  public struct Entry: Codable, Sendable, Equatable {
    public var baselineMs: Double
    public var firstRecordedAt: String
    public var updatedAt: String
    /// Sessions that used (or set) the record.
    public var sessions: Int
  }

  struct FileBody: Codable {
    var format = "helpprof-canary-baselines-1"
    var entries: [String: Entry] = [:]
  }

  public init(path: String, toolVersion: String = "unknown") {
    self.path = path
    self.toolVersion = toolVersion
  }

  /// The store the CLI uses: from the environment as described above; nil when turned off or no directory exists.
  public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment,
                                     toolVersion: String) -> CanaryBaselineStore? {
    if let v = env["HELPPROF_BASELINE_CACHE"], !v.isEmpty {
      if ["off", "none", "0", "no"].contains(v.lowercased()) { return nil }
      return CanaryBaselineStore(path: v, toolVersion: toolVersion)
    }
    let dir: String
    if let d = env["HELPPROF_CACHE_DIR"], !d.isEmpty { dir = d }
    else if let x = env["XDG_CACHE_HOME"], !x.isEmpty { dir = x + "/helpprof" }
    else if let h = env["HOME"], !h.isEmpty { dir = h + "/.cache/helpprof" }
    else { return nil }
    return CanaryBaselineStore(path: dir + "/canary-baselines.json", toolVersion: toolVersion)
  }

  /// The process-wide store `ProfileEngine` uses unless told otherwise (nil: sessions use their own baseline).
  /// The CLI sets it once at start-up; libraries and tests leave it nil.
  nonisolated(unsafe) public static var processDefault: CanaryBaselineStore?

  /// The record key of a setting: everything that changes the canary's speed (space, dataset, runtime options,
  /// clock, the canary arch, how a canary level is taken — timed and re-warm runs —, the CPU and its OpenBLAS core,
  /// the tool version).
  public func key(settings s: ProfileSettings, canary: String, cpu: String, openBLASCore: String) -> String {
    [s.space.rawValue, s.dataset, s.kernels, "\(s.threads)t", s.pruneDeadOps ? "prune" : "noprune",
     s.keepBN ? "bn" : "folded", "seed\(s.seed)", s.measurement.metric.rawValue, canary,
     "level\(s.measurement.canaryRuns)+\(s.measurement.canaryRewarmRuns)", cpu, openBLASCore,
     toolVersion].joined(separator: "|")
  }

  /// This machine's CPU for keys: model name, family, model and stepping from /proc/cpuinfo.
  public static var localCPU: String {
    let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)).map(HostProbes.parseCPUInfo) ?? [:]
    return [ProfileSettings.localCPUModel, "family \(info["cpu family"] ?? "?")", "model \(info["model"] ?? "?")",
            "stepping \(info["stepping"] ?? "?")"].joined(separator: " ")
  }

  /// The record of `key`; nil when absent. Throws `IOFailure` or a decoding error for an unreadable file.
  public func entry(_ key: String) throws -> Entry? {
    try load().entries[key]
  }

  /// Sets `key`'s baseline to `baselineMs` (or only counts a session when `baselineMs` is nil), under the lock.
  public func record(_ key: String, baselineMs: Double?) throws {
    try ensureDirectory()
    let lock = try FileLock.acquire(path + ".lock")
    defer { lock.release() }
    var body = (try? load()) ?? FileBody()
    let now = ISO8601DateFormatter().string(from: Date())
    if var e = body.entries[key] {
      if let b = baselineMs {
        e.baselineMs = b
        e.updatedAt = now
      }
      e.sessions += 1
      body.entries[key] = e
    } else if let b = baselineMs {
      body.entries[key] = Entry(baselineMs: b, firstRecordedAt: now, updatedAt: now, sessions: 1)
    }
    try AtomicFile.write(try JSONStyle.encoder().encode(body), to: path)
  }

  func load() throws -> FileBody {
    guard FileManager.default.fileExists(atPath: path) else { return FileBody() }
    let body = try JSONStyle.decoder().decode(FileBody.self, from: Data(try ReadFile.bytes(path, limit: 1 << 24)))
    for (k, e) in body.entries where !(e.baselineMs.isFinite && e.baselineMs > 0) {
      throw IOFailure(action: "read", path: path, code: 0, detail: "baseline \(e.baselineMs) of '\(k)' is not a positive number")
    }
    return body
  }

  private func ensureDirectory() throws {
    let dir = (path as NSString).deletingLastPathComponent
    guard !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) else { return }
    do {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    } catch {
      throw IOFailure(action: "create directory", path: dir, code: 0, detail: "\(error)")
    }
  }
}
