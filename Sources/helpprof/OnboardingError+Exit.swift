import ArgumentParser
import Onboarding

extension OnboardingError {
  /// The exit code that means this error: 65 for a malformed or mismatched data file, 64 for bad input on the
  /// command line (including settings that contradict an existing profile), 1 for I/O and measurement failures.
  var exitCode: ExitCode {
    switch self {
    case .badProfile, .newerVersion, .wrongSpace, .badPredictor, .badMeasurementsCSV, .incompleteProfile:
      return HelpExit.dataError
    case .invalidArgument, .settingsMismatch:
      return HelpExit.usage
    case .io, .badMeasurement:
      return HelpExit.failure
    case .outputNotWritable(_, _, let code):
      return writableExitCode(code)
    }
  }

  /// Prints the one-line error and returns its exit code, for `throw e.reported()`. An unwritable output is named
  /// by its option, as `requireWritable` does: "--out PATH: reason".
  func reported() -> ExitCode {
    if case .outputNotWritable(let path, let reason, _) = self { return fail("--out \(path): \(reason)", exitCode) }
    return fail(description, exitCode)
  }
}
