import ArgumentParser
import XCTest
@testable import helpprof

/// Every command's `--help` at 80 columns against Snapshots/help/<command path>.txt (argument-parser's
/// `helpMessage(for:)`, in process), so a change to an option's name, default or help text shows up as a diff.
final class HelpSnapshotTests: XCTestCase {
  /// Every command in the tree, root first, with its path ("arch nb201" → ["arch", "nb201"]).
  static func commands(_ root: ParsableCommand.Type = HelpProf.self,
                       path: [String] = []) -> [(path: [String], type: ParsableCommand.Type)] {
    [(path, root)] + root.configuration.subcommands.flatMap { commands($0, path: path + [$0._commandName]) }
  }

  func testEveryHelpScreenMatchesItsSnapshot() {
    let all = Self.commands()
    XCTAssertGreaterThanOrEqual(all.count, 14)
    for (path, type) in all {
      let name = path.isEmpty ? "helpprof" : path.joined(separator: "-")
      let text = path.isEmpty ? HelpProf.helpMessage(columns: 80) : HelpProf.helpMessage(for: type, columns: 80)
      Snapshot.assertMatches(text + "\n", "help/\(name).txt")
    }
  }
}
