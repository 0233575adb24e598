import ArgumentParser

struct PredictCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "predict", abstract: "(not yet implemented)")
  func run() throws { throw fail("'predict' is not implemented yet", HelpExit.failure) }
}
