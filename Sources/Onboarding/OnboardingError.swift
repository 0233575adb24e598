import Foundation

/// Errors of the onboarding flow (embed, adapt, predict, report). Descriptions name the value and the
/// expectation.
public enum OnboardingError: Error, CustomStringConvertible, Equatable {
  case io(path: String, reason: String)
  /// A device profile that does not parse or is inconsistent.
  case badProfile(path: String, reason: String)
  /// A file written by a newer helpprof.
  case newerVersion(path: String, found: Int, supported: Int)
  /// A predictor or profile for another search space.
  case wrongSpace(path: String, found: String, expected: String)
  /// A predictor file that fails verification.
  case badPredictor(path: String, reason: String)
  /// A measurements CSV that does not parse.
  case badMeasurementsCSV(path: String, line: Int, reason: String)
  /// Samples that cannot be used.
  case badMeasurement(String)
  /// A resumed embed whose settings differ from the partial profile's.
  case settingsMismatch(path: String, field: String, found: String, expected: String)
  /// The profile is not complete (some references unmeasured).
  case incompleteProfile(path: String, missing: Int)
  /// Bad arguments to a library call.
  case invalidArgument(String)
  /// An output file that could not be written later (checked before any long work); `code` is the errno.
  case outputNotWritable(path: String, reason: String, code: Int32)

  public var description: String {
    switch self {
    case .io(let path, let reason): return "cannot access \(path): \(reason)"
    case .badProfile(let path, let reason): return "\(path) is not a valid device profile: \(reason)"
    case .newerVersion(let path, let found, let supported):
      return "\(path) has schema/format version \(found), newer than this helpprof supports (\(supported)): upgrade helpprof"
    case .wrongSpace(let path, let found, let expected):
      return "\(path) is for search space '\(found)': expected '\(expected)'"
    case .badPredictor(let path, let reason): return "\(path) is not a valid predictor file: \(reason)"
    case .badMeasurementsCSV(let path, let line, let reason): return "\(path) line \(line): \(reason)"
    case .badMeasurement(let reason): return "bad measurement: \(reason)"
    case .settingsMismatch(let path, let field, let found, let expected):
      return "\(path) was started with \(field) = \(found), but this run uses \(expected): "
        + "rerun with the same settings to resume, or pass --fresh (or another --out) to start over"
    case .incompleteProfile(let path, let missing):
      return "\(path) is incomplete (\(missing) reference architectures unmeasured): run `helpprof embed` again to finish it"
    case .invalidArgument(let reason): return reason
    case .outputNotWritable(let path, let reason, _): return "cannot write \(path): \(reason)"
    }
  }

  /// A readable one-line description of a DecodingError.
  static func describe(_ error: DecodingError) -> String {
    func path(_ keys: [CodingKey]) -> String {
      keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
    switch error {
    case .typeMismatch(let type, let c): return "field \(path(c.codingPath)) has the wrong type: expected \(type)"
    case .valueNotFound(let type, let c): return "field \(path(c.codingPath)) is null: expected \(type)"
    case .keyNotFound(let key, let c): return "field \(path(c.codingPath + [key])) is missing"
    case .dataCorrupted(let c): return "field \(path(c.codingPath)): \(c.debugDescription)"
    @unknown default: return "\(error)"
    }
  }
}
