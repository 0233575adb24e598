import Foundation
import XCTest

/// Result of running the built `helpprof` binary.
struct CLIResult {
  let status: Int32
  let stdout: String
  let stderr: String
}

/// Runs the `helpprof` executable that `swift build` put next to the test bundle.
func runHelpprof(_ arguments: [String], environment: [String: String] = [:],
                 executable: URL? = nil, currentDirectory: URL? = nil,
                 file: StaticString = #filePath, line: UInt = #line) throws -> CLIResult {
  let exe = executable ?? productsDirectory.appendingPathComponent("helpprof")
  guard FileManager.default.isExecutableFile(atPath: exe.path) else {
    XCTFail("helpprof binary not found at \(exe.path)", file: file, line: line)
    return CLIResult(status: -1, stdout: "", stderr: "")
  }
  let process = Process()
  process.executableURL = exe
  process.arguments = arguments
  var env = ProcessInfo.processInfo.environment
  for (k, v) in environment { env[k] = v }
  process.environment = env
  if let currentDirectory { process.currentDirectoryURL = currentDirectory }
  let out = Pipe(), err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  let errData = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return CLIResult(status: process.terminationStatus,
                   stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self))
}

/// The folder holding the built products (the test bundle's parent).
var productsDirectory: URL {
  for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
    return bundle.bundleURL.deletingLastPathComponent()
  }
  return Bundle.main.bundleURL
}

/// A fresh temporary directory for one test.
func makeTempDir() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("helpprof-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Runs `helpprof` with stdout sent to the file at `stdoutPath` (e.g. /dev/full); stderr is captured.
func runHelpprof(_ arguments: [String], stdoutPath: String) throws -> CLIResult {
  let process = Process()
  process.executableURL = productsDirectory.appendingPathComponent("helpprof")
  process.arguments = arguments
  let sink = try XCTUnwrap(FileHandle(forWritingAtPath: stdoutPath))
  defer { try? sink.close() }
  let err = Pipe()
  process.standardOutput = sink
  process.standardError = err
  try process.run()
  let errData = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return CLIResult(status: process.terminationStatus, stdout: "", stderr: String(decoding: errData, as: UTF8.self))
}

/// Small, fast profiler settings for CLI tests (debug builds finish in seconds; counters off, no pinning).
let fastProfileOptions = ["--max-seconds", "0.03", "--min-samples", "3", "--samples-per-round", "3", "--window", "2",
                          "--block", "2", "--pin", "none", "--counters", "none", "--quiet"]

/// Starts `helpprof` in the background (output discarded) and waits until `file` has `lines` lines or it exits.
func startHelpprof(_ arguments: [String], waitingFor lines: Int, in file: String) throws -> Process {
  let p = Process()
  p.executableURL = productsDirectory.appendingPathComponent("helpprof")
  p.arguments = arguments
  p.standardOutput = FileHandle.nullDevice
  p.standardError = FileHandle.nullDevice
  try p.run()
  let deadline = Date().addingTimeInterval(60)
  while Date() < deadline, p.isRunning,
        ((try? String(contentsOfFile: file, encoding: .utf8))?.split(separator: "\n").count ?? 0) < lines {
    usleep(5_000)
  }
  return p
}

/// Runs `helpprof` and checks that it stops with `status` (64 = bad input by default) and says `mentions`.
func assertFailsCLI(_ arguments: [String], status: Int32 = 64, mentions: String,
                    file: StaticString = #filePath, line: UInt = #line) throws {
  let r = try runHelpprof(arguments, file: file, line: line)
  XCTAssertEqual(r.status, status, r.stderr, file: file, line: line)
  XCTAssertTrue(r.stderr.contains(mentions), "expected '\(mentions)' in: \(r.stderr)", file: file, line: line)
}
