import ArgumentParser

struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "run", abstract: "(not yet implemented)")
  func run() throws { throw fail("'run' is not implemented yet", HelpExit.failure) }
}
