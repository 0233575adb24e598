import ArgumentParser

struct MetaTrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "meta-train", abstract: "(not yet implemented)")
  func run() throws { throw fail("'meta-train' is not implemented yet", HelpExit.failure) }
}
