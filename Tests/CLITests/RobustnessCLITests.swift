import Foundation
import XCTest

/// Issue 14: crashes and sharp edges a hostile or new user hits (full disks, long names, concurrent runs, ...).
final class RobustnessCLITests: XCTestCase {
  static let fixtureDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("tools/tests/fixtures")
  static var nb201Predictor: String { fixtureDir.appendingPathComponent("nb201-test.helpp").path }

  /// Before: `host` exited 0 with its output lost; FileHandle-based writers trapped (exit 132).
  func testFullStdoutIsExitOneWithMessage() throws {
    for args in [["host", "--sample-seconds", "0"], ["host", "--json", "--sample-seconds", "0"],
                 ["arch", "nb201", "--index", "3", "--json"],
                 ["predict", "--predictor", Self.nb201Predictor, "--all"]] {
      let r = try runHelpprof(args, stdoutPath: "/dev/full")
      XCTAssertEqual(r.status, 1, "\(args): \(r.stderr)")
      XCTAssertTrue(r.stderr.contains("cannot write standard output: no space left on device (ENOSPC)"),
                    "\(args): \(r.stderr)")
    }
  }

  /// `predict --all --out F` writes the whole file or nothing (a shell redirect cannot).
  func testPredictOutWritesWholeFileAtomically() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("all.json").path
    let r = try runHelpprof(["predict", "--predictor", Self.nb201Predictor, "--all", "--json", "--out", out])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(r.stdout, "")
    let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [Any])
    XCTAssertEqual(rows.count, 15_625)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["all.json"])
    let bad = try runHelpprof(["predict", "--predictor", Self.nb201Predictor, "--all", "--out",
                               dir.appendingPathComponent("missing/all.txt").path])
    XCTAssertEqual(bad.status, 1, bad.stderr)
    XCTAssertTrue(bad.stderr.contains("no such file or directory"), bad.stderr)
  }
}
