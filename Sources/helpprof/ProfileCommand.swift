import ArgumentParser

struct ProfileCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "profile", abstract: "(not yet implemented)")
  func run() throws { throw fail("'profile' is not implemented yet", HelpExit.failure) }
}
