import ArgumentParser

struct ArchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "arch", abstract: "(not yet implemented)")
  func run() throws { throw fail("'arch' is not implemented yet", HelpExit.failure) }
}
