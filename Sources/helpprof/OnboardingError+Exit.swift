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
    }
  }

  /// Prints the one-line error and returns its exit code, for `throw e.reported()`.
  func reported() -> ExitCode { fail(description, exitCode) }
}
