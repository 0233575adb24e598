import Foundation
import XCTest

/// Issue #13 on the command line: family splits, missing references imputed, JSON with the adaptation choice.
final class PredictorSplitCLITests: XCTestCase {
  let dataDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("profiles/datasets").path

  /// A one-episode NB201 meta-predictor on the sources `sources` selects (e.g. `--split S`), in `dir`.
  func tinyModel(in dir: URL, sources: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let model = dir.appendingPathComponent("nb201.safetensors").path
    let train = try runHelpprof(["meta-train", "--space", "nb201", "--episodes", "1", "--meta-batch", "1", "--first-order"]
                                + sources + ["--data-dir", dataDir, "--out", model])
    XCTAssertEqual(train.status, 0, train.stderr, file: file, line: line)
    return model
  }

  func testSplitTrainingAndADeviceWithoutAReference() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = try tinyModel(in: dir, sources: ["--split", "phones-cpus-to-gpus"])
    // A device table without reference 7663 (and without 13078): 9 references + 60 more archs.
    let refs = [1462, 14418, 14314, 9550, 9574, 12172, 4002, 3138, 4939]
    var csv = "source,device,dataset,arch_index,arch_str,latency_ms\n"
    for (k, i) in (refs + Array(3000..<3060)).enumerated() { csv += "t,mydev,cifar10,\(i),,\(1.0 + Double((k * 37) % 50) * 0.05)\n" }
    let path = dir.appendingPathComponent("dev.csv").path
    try csv.write(toFile: path, atomically: true, encoding: .utf8)
    let ev = try runHelpprof(["evaluate", "--space", "nb201", "--model", model, "--seeds", "1", "--budget", "15",
                              "--latency-csv", path, "--device", "mydev", "--json", "--data-dir", dataDir])
    XCTAssertEqual(ev.status, 0, ev.stderr)
    let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(ev.stdout.utf8)) as? [String: Any])
    let choice = try XCTUnwrap((json["adaptation"] as? [[String: Any]])?.first)
    XCTAssertEqual(choice["imputed_references"] as? [Int], [7663])
    XCTAssertEqual((choice["meta_weights"] as? [Double])?.count, 1)
    XCTAssertNotNil((json["baselines"] as? [String: Any])?["final"])
    XCTAssertTrue(try XCTUnwrap((json["baselines"] as? [String: Any])?["final"] as? [String: Any])["mean_mape"] is Double)
  }

  func testSplitAndDeviceOptionsRejectBadNames() throws {
    let r1 = try runHelpprof(["evaluate", "--split", "cats-to-dogs", "--data-dir", dataDir])
    XCTAssertEqual(r1.status, 64)
    XCTAssertTrue(r1.stderr.contains("cats-to-dogs") && r1.stderr.contains("gpus-to-others"), r1.stderr)
    let r2 = try runHelpprof(["meta-train", "--train-devices", "pixel2,toaster", "--data-dir", dataDir])
    XCTAssertEqual(r2.status, 64)
    XCTAssertTrue(r2.stderr.contains("toaster"), r2.stderr)
    let r3 = try runHelpprof(["evaluate", "--missing-references", "5", "--data-dir", dataDir])
    XCTAssertEqual(r3.status, 64)
    XCTAssertTrue(r3.stderr.contains("--missing-references 5"), r3.stderr)
  }
  func testCustomSplitAndBlendRuleComparison() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let model = try tinyModel(in: dir, sources: ["--exclude-devices", "pixel3"])
    let ev = try runHelpprof(["evaluate", "--space", "nb201", "--model", model, "--seeds", "1", "--budget", "20",
                              "--test-devices", "pixel3", "--train-devices", "gold_6240,titanx_1,samsung_s7",
                              "--compare-blend-rules", "--json", "--data-dir", dataDir])
    XCTAssertEqual(ev.status, 0, ev.stderr)
    let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(ev.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(json["split"] as? String, "custom")
    let baselines = try XCTUnwrap(json["baselines"] as? [String: Any])
    for rule in ["loo", "loo-plain", "half", "thirds", "simplex", "loo-meta-first"] {
      XCTAssertNotNil(baselines["final:" + rule], rule)
    }
    let devices = try XCTUnwrap((json["predictor"] as? [String: Any])?["devices"] as? [[String: Any]])
    XCTAssertEqual(devices.map { $0["device"] as? String }, ["pixel3"])
    // Bad custom splits: a name not in the data, a target among the sources, one option without the other.
    try assertFailsCLI(["evaluate", "--test-devices", "toaster", "--train-devices", "pixel3", "--data-dir", dataDir],
                       mentions: "toaster")
    try assertFailsCLI(["evaluate", "--test-devices", "pixel3", "--train-devices", "pixel3,gold_6240", "--data-dir", dataDir],
                       mentions: "pixel3 is also in --train-devices")
    try assertFailsCLI(["evaluate", "--test-devices", "pixel3", "--data-dir", dataDir], mentions: "go together")
  }
}
