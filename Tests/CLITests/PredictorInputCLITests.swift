import Foundation
import XCTest

/// Issue 14 #1, #3, #4, #5 through the command line: OFA width, measurement CSVs for `report`, malformed
/// meta-predictor files.
final class PredictorInputCLITests: XCTestCase {
  static var fixtures: URL { OnboardingCLITests.fixtureDir }
  static var ofaPredictor: String { fixtures.appendingPathComponent("ofa-test.helpp").path }
  /// The first reference of the OFA fixture (a w1.2 subnet), without its `w=` item.
  static let ofaBody = "r=196 d=4,3,3,4,2 ks=7,7,5,5,7,7,3,5,7,7,5,7,3,5,3,3,3,5,5,7 e=3,6,3,6,6,4,3,6,4,6,6,3,3,4,4,3,3,3,3,4"

  /// `r` exited with `code` and said `message` on stderr.
  private func assertFails(_ r: CLIResult, _ code: Int32, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(r.status, code, r.stderr, file: file, line: line)
    XCTAssertTrue(r.stderr.contains(message), "'\(r.stderr)' should contain '\(message)'", file: file, line: line)
  }

  /// A device profile measured with the tiny protocol (the references of the bundled NB201 model).
  private func quickProfile(in dir: URL) throws -> String {
    let path = dir.appendingPathComponent("p.json").path
    let r = try runHelpprof(["embed", "--out", path] + OnboardingCLITests.quick)
    XCTAssertEqual(r.status, 0, r.stderr)
    return path
  }

  private func ms(_ r: CLIResult) throws -> Double {
    let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]], r.stderr)
    return try XCTUnwrap(rows.first?["predicted_ms"] as? Double)
  }

  /// Before: a w1.2 predictor gave the same ms for w=1.0 and w=1.2 (218 M vs 331 M MACs).
  func testOFAWidthMismatchIsRefused() throws {
    let implicit = try runHelpprof(["predict", "--predictor", Self.ofaPredictor, "--config", Self.ofaBody, "--json"])
    XCTAssertEqual(implicit.status, 0, implicit.stderr)
    XCTAssertTrue(implicit.stdout.contains("w=1.2"), "a config without w= takes the predictor's width")
    let w12 = try runHelpprof(["predict", "--predictor", Self.ofaPredictor, "--config", "w=1.2 " + Self.ofaBody, "--json"])
    XCTAssertEqual(try ms(w12), try ms(implicit))
    let w10 = try runHelpprof(["predict", "--predictor", Self.ofaPredictor, "--config", "w=1.0 " + Self.ofaBody])
    assertFails(w10, 64, "has width 1.0 but")
    XCTAssertTrue(w10.stderr.contains("adapted on width 1.2"), w10.stderr)
    // The same from an archs file (a data file: 65).
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("archs.txt")
    try Data(("w=1.0 " + Self.ofaBody + "\n").utf8).write(to: file)
    let fromFile = try runHelpprof(["predict", "--predictor", Self.ofaPredictor, "--archs-file", file.path])
    assertFails(fromFile, 65, "has width 1.0")
  }

  /// `arch ofa --sample` samples the width profiles and predictors use (1.2), so its output predicts as it is.
  func testArchSampleDefaultsToThePredictorWidth() throws {
    let r = try runHelpprof(["arch", "ofa", "--sample", "2", "--seed", "3"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("w=1.2"), r.stdout)
    XCTAssertFalse(r.stdout.contains("w=1.0"), r.stdout)
  }

  /// Before: `report` counted duplicate rows twice and preferred arch_str over a disagreeing arch_index.
  func testReportMergesDuplicatesAndRejectsDisagreement() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let nb201 = OnboardingCLITests.nb201Predictor
    let out = dir.appendingPathComponent("r.html").path
    func report(_ csv: String) throws -> CLIResult {
      let path = dir.appendingPathComponent("m.csv")
      try Data(csv.utf8).write(to: path)
      return try runHelpprof(["report", "--predictor", nb201, "--measurements", path.path, "--out", out, "--json"])
    }
    let dup = try report("arch_index,latency_ms\n1462,9.1\n0,2.5\n100,3.3\n1462,9.1\n")
    XCTAssertEqual(dup.status, 0, dup.stderr)
    let metrics = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(dup.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(metrics["count"] as? Int, 3, "the duplicate row is counted once: \(metrics)")
    let conflict = try report("arch_index,latency_ms\n1462,9.1\n0,2.5\n100,3.3\n1462,4.0\n")
    assertFails(conflict, 65, "measured twice with different latencies")
    let cell0 = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"
    let disagree = try report("arch_index,arch_str,latency_ms\n1462,\(cell0),9.1\n0,,2.5\n100,,3.3\n")
    assertFails(disagree, 65, "arch_index 1462 is")
    let tiny = try report("arch_index,latency_ms\n1462,1e-300\n0,2.5\n")
    assertFails(tiny, 65, "latency_ms '1e-300'")
  }

  /// Before: a malformed meta-predictor exited 1 (a run-time failure); it is malformed data (65).
  func testMalformedMetaPredictorIsDataError() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let meta = dir.appendingPathComponent("m.safetensors")
    let profilePath = try quickProfile(in: dir)
    try Data([16, 0, 0, 0, 0, 0, 0, 0] + Array("{\"a\":1}        ".utf8)).write(to: meta)
    let r = try runHelpprof(["evaluate", "--space", "nb201", "--model", meta.path])
    XCTAssertEqual(r.status, 65, r.stderr)
    let adapt = try runHelpprof(["adapt", "--profile", profilePath, "--meta-predictor", meta.path])
    assertFails(adapt, 65, "m.safetensors")
  }
}
