import ArgumentParser

struct AdaptCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "adapt", abstract: "(not yet implemented)")
  func run() throws { throw fail("'adapt' is not implemented yet", HelpExit.failure) }
}
