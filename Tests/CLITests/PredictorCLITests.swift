import Foundation
import XCTest

/// `meta-train` and `evaluate` end to end on the repository datasets (tiny settings, debug-build friendly).
final class PredictorCLITests: XCTestCase {
  let dataDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("profiles/datasets").path

  func testMetaTrainThenEvaluateOFAJSON() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("ofa.safetensors").path
    let train = try runHelpprof(["meta-train", "--space", "ofa", "--episodes", "2", "--meta-batch", "2", "--seed", "4",
                                 "--first-order", "--data-dir", dataDir, "--out", model])
    XCTAssertEqual(train.status, 0, train.stderr)
    XCTAssertTrue(train.stderr.contains("episodes"), "progress line expected on stderr")
    XCTAssertTrue(FileManager.default.fileExists(atPath: model))
    let ev = try runHelpprof(["evaluate", "--space", "ofa", "--model", model, "--seeds", "1", "--budget", "20",
                              "--shot-selection", "macs", "--json", "--data-dir", dataDir])
    XCTAssertEqual(ev.status, 0, ev.stderr)
    let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(ev.stdout.utf8)) as? [String: Any])
    for key in ["protocol", "shots", "measurements_per_device", "mean_spearman", "std_spearman", "worst_spearman",
                "mean_within10", "devices", "baselines"] {
      XCTAssertNotNil(json[key], "missing key \(key)")
    }
    XCTAssertEqual(json["protocol"] as? String, "honest")
    XCTAssertEqual(json["measurements_per_device"] as? Int, 20)
    XCTAssertEqual(json["shot_selection"] as? String, "macs")
    XCTAssertEqual((json["devices"] as? [[String: Any]])?.first?["device"] as? String, "titan_rtx_64")
  }

  func testEvaluateLatencyCSVForOneDevice() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = dir.appendingPathComponent("ofa.safetensors").path
    XCTAssertEqual(try runHelpprof(["meta-train", "--space", "ofa", "--episodes", "1", "--meta-batch", "1",
                                    "--first-order", "--data-dir", dataDir, "--out", model]).status, 0)
    // A device given as CSV rows (the 10 references + 40 more archs), OFA configs by arch_index.
    let refs = [1316, 1587, 1621, 1636, 1980, 2329, 2487, 3355, 3740, 4948]
    var csv = "source,device,dataset,arch_index,arch_str,latency_ms\n", other = csv
    for (k, i) in (refs + Array(100..<140)).enumerated() {
      csv += "test,mydev,imagenet,\(i),,\(5.0 + Double((k * 37) % 50) * 0.3)\n"
      other += "test,other,imagenet,\(i),,\(2 * (5.0 + Double((k * 37) % 50) * 0.3))\n"
    }
    let path = dir.appendingPathComponent("dev.csv").path, otherPath = dir.appendingPathComponent("other.csv").path
    try csv.write(toFile: path, atomically: true, encoding: .utf8)
    try other.write(toFile: otherPath, atomically: true, encoding: .utf8)
    // With an extra source that is mydev × 2, the ridge baseline ranks mydev perfectly; mydev itself (also passed)
    // is never its own source.
    let ex = try runHelpprof(["evaluate", "--space", "ofa", "--model", model, "--seeds", "1", "--latency-csv", path,
                              "--device", "mydev", "--extra-sources", "\(path),\(otherPath)", "--json", "--data-dir", dataDir])
    XCTAssertEqual(ex.status, 0, ex.stderr)
    let exJSON = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(ex.stdout.utf8)) as? [String: Any])
    let ridge = try XCTUnwrap((exJSON["baselines"] as? [String: Any])?["ridge"] as? [String: Any])
    XCTAssertGreaterThan(try XCTUnwrap(ridge["mean_spearman"] as? Double), 0.99)
    let ev = try runHelpprof(["evaluate", "--space", "ofa", "--model", model, "--seeds", "2", "--latency-csv", path,
                              "--device", "mydev", "--json", "--data-dir", dataDir])
    XCTAssertEqual(ev.status, 0, ev.stderr)
    XCTAssertTrue(ev.stdout.contains("\"mydev\""))
  }

  func testBadInputsExitWithUsageError() throws {
    let r1 = try runHelpprof(["meta-train", "--space", "fbnet", "--data-dir", dataDir])
    XCTAssertEqual(r1.status, 64)
    XCTAssertTrue(r1.stderr.contains("fbnet"))
    let r2 = try runHelpprof(["evaluate", "--space", "nb201", "--budget", "5", "--data-dir", dataDir])
    XCTAssertEqual(r2.status, 64, r2.stderr)
    XCTAssertTrue(r2.stderr.contains("budget"))
    let r3 = try runHelpprof(["evaluate", "--protocol", "secret", "--data-dir", dataDir])
    XCTAssertEqual(r3.status, 64)
    let r4 = try runHelpprof(["meta-train", "--data-dir", "/nonexistent/dir"])
    XCTAssertEqual(r4.status, 65)
    let r5 = try runHelpprof(["meta-train", "--space", "ofa", "--mix-share", "1.5", "--data-dir", dataDir])
    XCTAssertEqual(r5.status, 64)
    XCTAssertTrue(r5.stderr.contains("--mix-share 1.5"), r5.stderr)
    let r6 = try runHelpprof(["meta-train", "--space", "ofa", "--inner-steps", "0", "--data-dir", dataDir])
    XCTAssertEqual(r6.status, 64)
    XCTAssertTrue(r6.stderr.contains("--inner-steps 0"), r6.stderr)
    let r7 = try runHelpprof(["evaluate", "--shot-selection", "best", "--data-dir", dataDir])
    XCTAssertEqual(r7.status, 64)
    XCTAssertTrue(r7.stderr.contains("--shot-selection best"), r7.stderr)
  }
}
