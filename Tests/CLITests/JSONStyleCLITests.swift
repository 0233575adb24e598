import Foundation
import XCTest

/// One JSON style on every command's `--json`: snake_case keys, shares as fractions (issue 14 item 18).
final class JSONStyleCLITests: XCTestCase {
  let fast = fastProfileOptions

  /// Every object key that looks camelCase (a lowercase letter followed by an uppercase one).
  private func camelKeys(_ text: String) throws -> [String] {
    var found: [String] = []
    func walk(_ v: Any) {
      if let d = v as? [String: Any] {
        for (k, x) in d {
          if k.range(of: "[a-z0-9][A-Z]", options: .regularExpression) != nil { found.append(k) }
          walk(x)
        }
      } else if let a = v as? [Any] { a.forEach(walk) }
    }
    walk(try JSONSerialization.jsonObject(with: Data(text.utf8)))
    return found
  }

  func testEveryJSONOutputIsSnakeCase() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let csv = dir.appendingPathComponent("m.csv").path
    try "arch_index,latency_ms\n1462,9.1\n0,2.5\n100,3.3\n2000,1.7\n".write(toFile: csv, atomically: false, encoding: .utf8)
    let commands: [[String]] = [
      ["host", "--json", "--sample-seconds", "0"],
      ["arch", "nb201", "--index", "3", "--json"],
      ["list", "--json"],
      ["arch", "ofa", "--sample", "2", "--seed", "0", "--json"],
      ["run", "--space", "nb201", "--index", "3", "--repeat", "2", "--warmup", "0", "--json", "--layers"],
      ["profile", "--space", "nb201", "--archs", "0-1", "--out", dir.appendingPathComponent("p.csv").path, "--json"] + fast,
      ["report", "--predictor", RobustnessCLITests.nb201Predictor, "--measurements", csv, "--out",
       dir.appendingPathComponent("r.html").path, "--json"],
    ]
    for args in commands {
      let r = try runHelpprof(args)
      XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)")
      XCTAssertEqual(try camelKeys(r.stdout), [], "\(args.prefix(2))")
    }
    // The profile sidecar on disk too.
    let sidecar = try String(contentsOfFile: dir.appendingPathComponent("p.csv.json").path, encoding: .utf8)
    XCTAssertEqual(try camelKeys(sidecar), [])
  }

  /// `report --json` printed within10Percent = 75 (percent); now within10 = 0.75 like `evaluate`.
  func testReportSharesAreFractions() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let csv = dir.appendingPathComponent("m.csv").path
    try "arch_index,latency_ms\n1462,9.1\n0,2.5\n100,3.3\n2000,1.7\n".write(toFile: csv, atomically: false, encoding: .utf8)
    let r = try runHelpprof(["report", "--predictor", RobustnessCLITests.nb201Predictor, "--measurements", csv, "--out",
                             dir.appendingPathComponent("r.html").path, "--json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    for key in ["within10", "within5"] {
      let v = try XCTUnwrap(obj[key] as? Double, key)
      XCTAssertTrue((0...1).contains(v), "\(key) = \(v)")
    }
    XCTAssertNotNil(obj["mape_percent"])
  }
}
