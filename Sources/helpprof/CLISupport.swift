import ArgumentParser
import Foundation

/// Exit codes that mean something (sysexits.h style).
enum HelpExit {
  /// Bad input on the command line: unknown op, index out of range, malformed string.
  static let usage = ExitCode(64)
  /// A data file (profile, predictor, CSV) is malformed or of the wrong kind.
  static let dataError = ExitCode(65)
  /// Something failed at run time (I/O, measurement).
  static let failure = ExitCode(1)
}

/// Prints one clear line to stderr and returns the exit code to throw.
/// Usage: `throw fail("index 20000 out of range: expected 0...15624", HelpExit.usage)`.
func fail(_ message: String, _ code: ExitCode = HelpExit.usage) -> ExitCode {
  FileHandle.standardError.write(Data("helpprof: error: \(message)\n".utf8))
  return code
}

/// Prints an Encodable as pretty, key-sorted JSON on stdout.
func printJSON<T: Encodable>(_ value: T) throws {
  let enc = JSONEncoder()
  enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  // Never crash on a non-finite value (issue #13): it is written as a string.
  enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
  let data = try enc.encode(value)
  FileHandle.standardOutput.write(data)
  FileHandle.standardOutput.write(Data("\n".utf8))
}

/// Writes `data` to `path` atomically: a temp file in the same folder, then rename. Never a half-written file.
func writeAtomically(_ data: Data, to path: String) throws {
  let url = URL(fileURLWithPath: path)
  let dir = url.deletingLastPathComponent()
  let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
  try data.write(to: tmp)
  if rename(tmp.path, url.path) != 0 {
    let err = String(cString: strerror(errno))
    try? FileManager.default.removeItem(at: tmp)
    throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "cannot write \(path): \(err)"])
  }
}
