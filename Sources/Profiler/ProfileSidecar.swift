import Counters
import Foundation
import SafeIO

/// The JSON sidecar of a profile CSV (`FILE.csv.json`): settings, host context and one entry per run.
///
/// A resumed run must have equal `settings` and `device`; otherwise `checkResumable` names the differences.
public struct ProfileSidecar: Codable, Sendable {
  /// Format tag, "helpprof-profile-1".
  public var format = ProfileSidecar.formatTag
  public var settings: ProfileSettings
  /// The resolved CSV `device` column.
  public var device: String
  /// The CSV header, for readers.
  public var columns = ProfileRow.header
  /// One entry per invocation that wrote to the CSV (first run first).
  public var runs: [Run]

  /// One invocation: when, on what host state, what it was asked for and how it went.
  public struct Run: Codable, Sendable {
    public var startedAt: String
    public var finishedAt: String?
    public var command: [String]
    public var requested: Int
    public var alreadyDone: Int
    public var droppedTornBytes: Int
    public var host: HostInfo
    public var summary: ProfileSummary?

    public init(startedAt: String, command: [String], requested: Int, alreadyDone: Int, droppedTornBytes: Int,
                host: HostInfo) {
      self.startedAt = startedAt
      self.command = command
      self.requested = requested
      self.alreadyDone = alreadyDone
      self.droppedTornBytes = droppedTornBytes
      self.host = host
    }
  }

  public static let formatTag = "helpprof-profile-1"

  public init(settings: ProfileSettings, device: String, runs: [Run]) {
    self.settings = settings
    self.device = device
    self.runs = runs
  }

  /// The sidecar path of a CSV path.
  public static func path(forCSV csv: String) -> String { csv + ".json" }

  /// Loads a sidecar; nil when the file does not exist. Throws on unreadable or malformed JSON.
  public static func load(path: String) throws -> ProfileSidecar? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ProfilerError("cannot read \(path)", kind: .runtime)
    }
    do {
      return try JSONStyle.decoder().decode(ProfileSidecar.self, from: data)
    } catch {
      throw ProfilerError("\(path) is not a helpprof profile sidecar: \(error)", kind: .data)
    }
  }

  /// Encoded as pretty, key-sorted, snake_case JSON (`JSONStyle`; files with the older camelCase keys still load).
  public func encoded() throws -> Data { try JSONStyle.encoder().encode(self) }

  /// Throws when a CSV with this sidecar may not be resumed with `settings`/`device`: names every difference.
  public func checkResumable(settings new: ProfileSettings, device newDevice: String, csvPath: String) throws {
    var diffs = ProfileSidecar.differences(settings, new)
    if device != newDevice { diffs.append("device: \(device) → \(newDevice)") }
    guard diffs.isEmpty else {
      throw ProfilerError("cannot resume \(csvPath): its settings differ from this run's ("
        + diffs.joined(separator: "; ") + "); use the same options or another --out", kind: .usage)
    }
  }

  /// "key: old → new" for every leaf setting that differs.
  public static func differences(_ a: ProfileSettings, _ b: ProfileSettings) -> [String] {
    let fa = flatten(a), fb = flatten(b)
    return Set(fa.keys).union(fb.keys).sorted().compactMap { k in
      fa[k] == fb[k] ? nil : "\(k): \(fa[k] ?? "unset") → \(fb[k] ?? "unset")"
    }
  }

  private static func flatten(_ s: ProfileSettings) -> [String: String] {
    guard let data = try? JSONStyle.encoder().encode(s),
          let obj = try? JSONSerialization.jsonObject(with: data) else { return [:] }
    var out: [String: String] = [:]
    func walk(_ v: Any, _ prefix: String) {
      if let d = v as? [String: Any] {
        for (k, x) in d { walk(x, prefix.isEmpty ? k : prefix + "." + k) }
      } else if let arr = v as? [Any] {
        out[prefix] = arr.map { "\($0)" }.joined(separator: ",")
      } else {
        out[prefix] = "\(v)"
      }
    }
    walk(obj, "")
    return out
  }
}
