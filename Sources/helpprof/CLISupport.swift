import ArgumentParser
import Foundation
import SafeIO

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
  StandardStreams.err("helpprof: error: \(message)\n")
  return code
}

/// Prints an Encodable as pretty, key-sorted, snake_case JSON on stdout (`JSONStyle`, shared by every command).
func printJSON<T: Encodable>(_ value: T) throws {
  let data = try JSONStyle.encoder().encode(value)
  StandardStreams.out(String(decoding: data, as: UTF8.self) + "\n")
}

/// Writes `data` to `path` atomically (SafeIO's `AtomicFile`); a failure is a run-time error naming the file.
func writeAtomically(_ data: Data, to path: String) throws {
  do {
    try AtomicFile.write(data, to: path)
  } catch let e as IOFailure {
    throw fail(e.description, HelpExit.failure)
  }
}

/// One line for a Foundation file error: "cannot read FILE: no such file or directory (ENOENT)", from the POSIX
/// error underneath when there is one (never the raw "Error Domain=NSCocoaErrorDomain Code=..." text).
func describeFileError(_ error: Error) -> String {
  let ns = error as NSError
  let path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path ?? "a file"
  if let under = ns.userInfo[NSUnderlyingErrorKey] as? NSError, under.domain == NSPOSIXErrorDomain {
    let verb = ns.code >= CocoaError.fileWriteUnknown.rawValue ? "write" : "read"
    return IOFailure(action: verb, path: path, code: Int32(under.code)).description
  }
  if ns.domain == NSCocoaErrorDomain {
    switch CocoaError.Code(rawValue: ns.code) {
    case .fileReadNoSuchFile, .fileNoSuchFile: return "cannot read \(path): no such file or directory"
    case .fileReadNoPermission: return "cannot read \(path): permission denied"
    case .fileWriteNoPermission: return "cannot write \(path): permission denied"
    case .fileWriteOutOfSpace: return "cannot write \(path): no space left on device (ENOSPC)"
    case .fileReadInapplicableStringEncoding, .fileReadCorruptFile: return "cannot read \(path): not UTF-8 text"
    default: return "cannot access \(path): \(ns.localizedDescription)"
    }
  }
  return ns.localizedDescription
}

/// Exit 64 unless `value` is finite and in `range`: "--outer-lr nan: expected a finite number in 1e-08...1".
func requireFinite<T: BinaryFloatingPoint>(_ option: String, _ value: T, in range: ClosedRange<T>) throws {
  guard value.isFinite, range.contains(value) else {
    throw fail("\(option) \(value): expected a finite number in \(range.lowerBound)...\(range.upperBound)", HelpExit.usage)
  }
}

/// Exit 64 unless `value` is in `range`, naming the option and why the cap exists.
func requireInRange(_ option: String, _ value: Int, _ range: ClosedRange<Int>, _ why: String = "") throws {
  guard range.contains(value) else {
    throw fail("\(option) \(value): expected \(range.lowerBound)...\(range.upperBound)" + (why.isEmpty ? "" : " (\(why))"),
               HelpExit.usage)
  }
}

/// Exit 64 (1 for a folder that cannot be written) before any long work when `path` could not be written later.
func requireWritable(_ option: String, _ path: String) throws {
  do {
    try AtomicFile.checkWritable(path)
  } catch let e as IOFailure {
    throw fail("\(option) \(path): \(e.reason)", writableExitCode(e.code))
  }
}

/// 64 for an output name that cannot work (too long, a folder, a missing folder), 1 for a folder that cannot be
/// written now.
func writableExitCode(_ errno: Int32) -> ExitCode {
  errno == ENAMETOOLONG || errno == EISDIR || errno == ENOENT || errno == ENOTDIR ? HelpExit.usage : HelpExit.failure
}

/// Caps on options whose cost grows without bound.
enum Limits {
  /// Adaptation steps (`adapt --steps`, `evaluate --steps`): second-order steps keep their tape, ~1.5 MB each
  /// per task; the bundled models adapt in 4.
  static let adaptationSteps = 0...64
}
