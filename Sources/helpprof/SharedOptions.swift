import ArgumentParser
import Runtime
import SearchSpace

// Options several commands share: written once here, declared in a command where its own options stood (help
// lists options in declaration order). Each command keeps its own help line for them: the groups take it from
// the command type (`JSONOutput<PredictCommand>` reads `PredictCommand.jsonHelp`).

/// A `--space` value: `nb201` or `ofa`, in any case. The argument parser accepts any text, so that a bad value
/// ends in this tool's one-line error rather than the parser's usage screen: `resolved()` throws exit 64 with
/// "--space 'mobilenet': expected nb201 or ofa".
/// ```swift
/// @Option(help: "Search space: nb201 or ofa.") var space: SpaceArgument = .nb201
/// let kind = try space.resolved()
/// ```
struct SpaceArgument: ExpressibleByArgument, CustomStringConvertible, Sendable {
  /// The text as given.
  let text: String
  /// The space it names, nil when it names none.
  let kind: SpaceKind?

  init(argument: String) {
    text = argument
    kind = SpaceKind(rawValue: argument.lowercased())
  }

  init(_ kind: SpaceKind) {
    text = kind.rawValue
    self.kind = kind
  }

  static let nb201 = SpaceArgument(.nb201)

  /// What help shows as the default.
  var description: String { text }
  var defaultValueDescription: String { text }

  /// The space, or exit 64 with one line naming the value and what was expected.
  func resolved() throws -> SpaceKind {
    guard let kind else { throw fail("--space '\(text)': expected nb201 or ofa", HelpExit.usage) }
    return kind
  }
}

/// A command's own help line for `--json` (what it prints).
protocol JSONOutputHelp {
  static var jsonHelp: ArgumentHelp { get }
}

/// `--json`: print the result as snake_case JSON (`printJSON`) instead of text.
/// ```swift
/// static let jsonHelp: ArgumentHelp = "Print JSON."
/// @OptionGroup var output: JSONOutput<ListCommand>
/// if output.json { try printJSON(listing) }
/// ```
struct JSONOutput<Command: JSONOutputHelp>: ParsableArguments {
  @Flag(name: .long, help: Command.jsonHelp)
  var json = false
}

/// A command's own help lines for `--kernels` and `--threads`.
protocol RuntimeChoiceHelp {
  static var kernelsHelp: ArgumentHelp { get }
  static var threadsHelp: ArgumentHelp { get }
}

/// `--kernels NAME` (a built-in kernel configuration, default "default") and `--threads N` (OpenBLAS threads,
/// default 1), checked once for every command that runs networks: a bad value is exit 64 before any work, with
/// "--kernels 'nope': expected one of reference, openblas, simd, default" or
/// "--threads 0 out of range: expected 1...256" (`RuntimeOptions.checkThreads`).
struct RuntimeChoice<Command: RuntimeChoiceHelp>: ParsableArguments {
  @Option(name: .long, help: Command.kernelsHelp)
  var kernels: String = "default"

  @Option(name: .long, help: Command.threadsHelp)
  var threads: Int = 1

  /// The kernel configuration `--kernels` names (checked by `validate`).
  func kernelConfig() throws -> KernelConfig {
    do { return try KernelConfig.named(kernels) } catch {
      throw fail("--kernels '\(kernels)': expected one of \(KernelConfig.availableNames.joined(separator: ", "))",
                 HelpExit.usage)
    }
  }

  func validate() throws {
    _ = try kernelConfig()
    do { try RuntimeOptions.checkThreads(threads, name: "--threads") } catch { throw fail("\(error)", HelpExit.usage) }
  }
}
