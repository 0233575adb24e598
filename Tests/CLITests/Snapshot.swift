import Foundation
import XCTest

/// Checked-in snapshot files under Tests/CLITests/Snapshots (`help/` for `--help` screens, `json/` for `--json`
/// outputs): a test renders a text and compares it with its file. `HELPPROF_UPDATE_SNAPSHOTS=1` rewrites the files
/// instead (review the diff before committing):
/// ```sh
/// HELPPROF_UPDATE_SNAPSHOTS=1 swift test --filter 'HelpSnapshotTests|JSONSnapshotTests'
/// ```
enum Snapshot {
  /// Tests/CLITests/Snapshots in the source tree (not a bundle resource: updating writes the checked-in files).
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

  /// True when the snapshot files are to be rewritten.
  static var updating: Bool { ProcessInfo.processInfo.environment["HELPPROF_UPDATE_SNAPSHOTS"] == "1" }

  /// Fails unless `text` equals the snapshot `name` (a path under `folder`, e.g. "help/predict.txt"), naming the
  /// first line that differs; with `HELPPROF_UPDATE_SNAPSHOTS=1` writes `text` as the snapshot.
  static func assertMatches(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
    let url = folder.appendingPathComponent(name)
    if updating {
      do {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
      } catch {
        XCTFail("cannot write snapshot \(url.path): \(error)", file: file, line: line)
      }
      return
    }
    guard let want = try? String(contentsOf: url, encoding: .utf8) else {
      XCTFail("no snapshot \(name): run HELPPROF_UPDATE_SNAPSHOTS=1 swift test --filter SnapshotTests", file: file, line: line)
      return
    }
    guard want != text else { return }
    let got = text.components(separatedBy: "\n"), had = want.components(separatedBy: "\n")
    let n = zip(got, had).prefix { $0.0 == $0.1 }.count
    XCTFail("\(name) differs at line \(n + 1):\n  snapshot: \(n < had.count ? had[n] : "<end>")\n  now:      "
      + "\(n < got.count ? got[n] : "<end>")\n(HELPPROF_UPDATE_SNAPSHOTS=1 rewrites the snapshots)", file: file, line: line)
  }

  /// The structure of a JSON document without its values, for outputs whose numbers depend on timing or on the
  /// machine: objects keep their keys (sorted), arrays become one element merging all of theirs (objects: the union
  /// of the keys), and every scalar becomes its type ("number", "string", "bool", "null"). `depth` cuts nested
  /// objects and arrays below that level to "object" / "array".
  static func shape(ofJSON text: String, depth: Int = .max) throws -> String {
    let value = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    let data = try JSONSerialization.data(withJSONObject: shape(value, depth: depth),
                                          options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed])
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  private static func shape(_ v: Any, depth: Int) -> Any {
    if let d = v as? [String: Any] {
      guard depth > 0 else { return "object" }
      return d.mapValues { shape($0, depth: depth - 1) }
    }
    if let a = v as? [Any] {
      guard depth > 0 else { return "array" }
      let shapes = a.map { shape($0, depth: depth - 1) }
      guard let first = shapes.first else { return [Any]() }
      return [shapes.dropFirst().reduce(first, merge)]
    }
    if v is NSNull { return "null" }
    if let n = v as? NSNumber { return ["c", "B"].contains(String(cString: n.objCType)) ? "bool" : "number" }
    return "string"
  }

  /// Two shapes as one: objects take the union of their keys; otherwise the first, unless they differ ("a|b").
  private static func merge(_ a: Any, _ b: Any) -> Any {
    if let x = a as? [String: Any], let y = b as? [String: Any] { return x.merging(y) { merge($0, $1) } }
    if let x = a as? [Any], let y = b as? [Any] {
      guard let p = x.first else { return y }
      guard let q = y.first else { return x }
      return [merge(p, q)]
    }
    if let x = a as? String, let y = b as? String, x != y {
      return Set(x.split(separator: "|") + y.split(separator: "|")).sorted().joined(separator: "|")
    }
    return a
  }
}
