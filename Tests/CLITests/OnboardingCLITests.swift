import Foundation
import XCTest

/// CLI tests of embed / adapt / predict / report (bad input, resume, round trips).
final class OnboardingCLITests: XCTestCase {
  /// Fast embed settings for tests (tiny protocol; numbers are not meaningful).
  static let quick = ["--max-seconds-per-arch", "0.01", "--samples", "3", "--quiet"]

  func testEmbedRejectsBadArguments() throws {
    let space = try runHelpprof(["embed", "--space", "mobilenet"])
    XCTAssertEqual(space.status, 64)
    XCTAssertTrue(space.stderr.contains("--space 'mobilenet': expected nb201 or ofa"), space.stderr)
    let threads = try runHelpprof(["embed", "--threads", "0"])
    XCTAssertEqual(threads.status, 64)
    XCTAssertTrue(threads.stderr.contains("--threads 0"), threads.stderr)
  }

  func testEmbedRefusesCorruptOrNewerProfile() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("device.json").path
    try Data("{\"format\": \"helpprof-device-profile\", \"schemaVersion\": 1".utf8).write(to: URL(fileURLWithPath: path))
    let r = try runHelpprof(["embed", "--out", path] + Self.quick)
    XCTAssertEqual(r.status, 65)
    XCTAssertTrue(r.stderr.contains("cannot resume"), r.stderr)
    try Data("{\"format\": \"helpprof-device-profile\", \"schemaVersion\": 9}".utf8).write(to: URL(fileURLWithPath: path))
    let newer = try runHelpprof(["embed", "--out", path] + Self.quick)
    XCTAssertEqual(newer.status, 65)
    XCTAssertTrue(newer.stderr.contains("newer"), newer.stderr)
  }

  func testEmbedInterruptedThenResumed() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("device.json").path
    let first = try runHelpprof(["embed", "--out", path] + Self.quick)
    XCTAssertEqual(first.status, 0, first.stderr)
    var profile = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    var refs = try XCTUnwrap(profile["references"] as? [[String: Any]])
    XCTAssertEqual(refs.count, 10)
    XCTAssertNotNil(profile["embedding"])
    // Simulate an interruption after 3 references: what the file holds after a Ctrl-C.
    for i in 3..<refs.count { refs[i].removeValue(forKey: "measurement") }
    profile["references"] = refs
    profile.removeValue(forKey: "embedding")
    try JSONSerialization.data(withJSONObject: profile).write(to: URL(fileURLWithPath: path))
    let kept = refs.prefix(3).map { ($0["measurement"] as? [String: Any])?["samplesMs"] as? [Double] }

    let resumed = try runHelpprof(["embed", "--out", path, "--max-seconds-per-arch", "0.01", "--samples", "3"])
    XCTAssertEqual(resumed.status, 0, resumed.stderr)
    XCTAssertTrue(resumed.stderr.contains("resuming"), resumed.stderr)
    XCTAssertTrue(resumed.stderr.contains("3/10 references already measured"), resumed.stderr)
    XCTAssertTrue(resumed.stdout.contains("3 resumed"), resumed.stdout)
    let after = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    let afterRefs = try XCTUnwrap(after["references"] as? [[String: Any]])
    XCTAssertTrue(afterRefs.allSatisfy { $0["measurement"] != nil })
    XCTAssertEqual((after["embedding"] as? [Double])?.count, 10)
    // The 3 finished references were kept, not re-measured.
    XCTAssertEqual(afterRefs.prefix(3).map { ($0["measurement"] as? [String: Any])?["samplesMs"] as? [Double] }, kept)

    // Different settings on the same file are refused with a clear message.
    let other = try runHelpprof(["embed", "--out", path, "--threads", "2"] + Self.quick)
    XCTAssertEqual(other.status, 64)
    XCTAssertTrue(other.stderr.contains("threads = 1, but this run uses 2"), other.stderr)
  }
}
