import ArgumentParser

struct EmbedCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "embed", abstract: "(not yet implemented)")
  func run() throws { throw fail("'embed' is not implemented yet", HelpExit.failure) }
}
