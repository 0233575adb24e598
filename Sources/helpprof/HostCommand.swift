import ArgumentParser

struct HostCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "host", abstract: "(not yet implemented)")
  func run() throws { throw fail("'host' is not implemented yet", HelpExit.failure) }
}
