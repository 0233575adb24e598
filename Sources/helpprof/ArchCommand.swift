import ArgumentParser

struct ArchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "arch", abstract: "Describe an architecture.")
  func run() throws {}
}
