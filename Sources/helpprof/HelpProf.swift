import ArgumentParser
import Foundation
import Profiler
import Runtime
import SafeIO

/// The `helpprof` command: few-shot latency prediction for NAS on this CPU.
@main
struct HelpProf: ParsableCommand {
  static let version = "0.1.0"
  static let configuration = CommandConfiguration(
    commandName: "helpprof",
    abstract: "Predict how fast a NAS-Bench-201 or OFA MobileNetV3 network runs on this CPU, from ~20 measurements.",
    discussion: """
      Typical flow on a new machine:
        helpprof host                 # what this machine is, and whether its timings can be trusted
        helpprof embed                # measure the reference architectures -> device.json
        helpprof adapt --shots 10     # adapt the bundled meta-predictor -> device.helpp
        helpprof predict --predictor device.helpp --index 1462

      Exit codes: 0 success, 1 runtime failure, 64 bad input (usage), 65 bad data file.
      """,
    version: version,
    subcommands: [
      ArchCommand.self, RunCommand.self, HostCommand.self, ProfileCommand.self,
      MetaTrainCommand.self, EvaluateCommand.self, EmbedCommand.self, AdaptCommand.self,
      PredictCommand.self, ReportCommand.self, ListCommand.self,
    ]
  )

  /// Entry point. Before anything touches OpenBLAS, make sure it will run its best kernels for this CPU:
  /// OpenBLAS 0.3.21 falls back to slow SSE3 kernels on some new CPUs unless OPENBLAS_CORETYPE is set, so when it
  /// picked a known slow core we set the right one and re-exec (once). Results record the core type used.
  /// Output lost to a full disk or `> /dev/full` ends in exit 1 with a message, never in a trap or a silent 0;
  /// I/O errors that reach this level are one clear line (no raw NSCocoaErrorDomain dump).
  static func main() {
    RuntimeInfo.ensureOpenBLASCoreType()
    StandardStreams.installExitCheck()
    CanaryBaselineStore.processDefault = CanaryBaselineStore.fromEnvironment(toolVersion: buildID)
    do {
      var command = try parseAsRoot(joinNegativeValues(Array(CommandLine.arguments.dropFirst())))
      try command.run()
    } catch let e as IOFailure {
      exit(withError: fail(e.description, HelpExit.failure))
    } catch let e as CocoaError {
      exit(withError: fail(describeFileError(e), HelpExit.failure))
    } catch {
      exit(withError: error)
    }
  }

  /// The version plus the executable's size and modification time: a rebuilt binary (other kernels) is a new
  /// build for the canary baseline cache.
  static var buildID: String {
    var st = stat()
    guard stat("/proc/self/exe", &st) == 0 else { return version }
    return "\(version) build \(st.st_size)-\(st.st_mtim.tv_sec)"
  }

  /// `--index -1` → `--index=-1`: the argument parser reads a value starting with '-' as an option and said
  /// "Missing value"; joined, the option's own check names the value and the expected range.
  static func joinNegativeValues(_ args: [String]) -> [String] {
    var out: [String] = []
    var i = 0
    while i < args.count {
      let a = args[i]
      if a.hasPrefix("--"), a.count > 2, !a.contains("="), i + 1 < args.count,
         args[i + 1].range(of: "^-([0-9]|\\.[0-9]|inf|nan)", options: [.regularExpression, .caseInsensitive]) != nil {
        out.append(a + "=" + args[i + 1])
        i += 2
      } else {
        out.append(a)
        i += 1
      }
    }
    return out
  }
}
