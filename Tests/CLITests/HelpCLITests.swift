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
}
