import XCTest

final class HelpCLITests: XCTestCase {
  func testHelpListsSubcommands() throws {
    let r = try runHelpprof(["--help"])
    XCTAssertEqual(r.status, 0)
    XCTAssertTrue(r.stdout.contains("SUBCOMMANDS"))
  }

  func testUnknownSubcommandFails() throws {
    let r = try runHelpprof(["no-such-command"])
    XCTAssertNotEqual(r.status, 0)
  }

  /// Issue 14 item 19: at 80 columns no example is broken by the help wrapping: every example line is a command
  /// (`helpprof ...`), a comment, a shell assignment or the continuation of a line ending in `\`, no line is
  /// longer than 80, and quotes balance within each command.
  func testHelpExamplesAreNotBrokenByWrapping() throws {
    let commands = [[], ["arch"], ["arch", "nb201"], ["arch", "ofa"], ["run"], ["host"], ["profile"], ["meta-train"],
                    ["evaluate"], ["embed"], ["adapt"], ["predict"], ["report"], ["list"]]
    for c in commands {
      let r = try runHelpprof(c + ["--help"], environment: ["COLUMNS": "80"])
      XCTAssertEqual(r.status, 0, "\(c)")
      let lines = r.stdout.components(separatedBy: "\n")
      guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "Examples:" }) else { continue }
      var logical = "", continued = false
      for line in lines[(start + 1)...] {
        let t = line.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { break }
        XCTAssertLessThanOrEqual(line.count, 80, "\(c): \(line)")
        if !continued {
          let ok = t.hasPrefix("helpprof") || t.hasPrefix("#") || t.range(of: "^[A-Z_]+=", options: .regularExpression) != nil
          XCTAssertTrue(ok, "\(c): example line broken by wrapping: \(line)")
          logical = ""
        }
        logical += t
        continued = t.hasSuffix("\\")
        if !continued {
          let code = logical.split(separator: "#", maxSplits: 1).first.map(String.init) ?? logical
          XCTAssertEqual(code.filter { $0 == "'" }.count % 2, 0, "\(c): unbalanced ' in \(logical)")
          XCTAssertEqual(code.filter { $0 == "\"" }.count % 2, 0, "\(c): unbalanced \" in \(logical)")
        }
      }
    }
  }
}
