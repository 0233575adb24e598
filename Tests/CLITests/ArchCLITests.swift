import Foundation
import XCTest

final class ArchCLITests: XCTestCase {
  let gold = "r=224 d=2,2,2,3,3 ks=3,3,5,7,3,3,5,3,7,7,3,7,3,7,5,5,3,3,5,5 e=3,3,4,3,6,4,3,4,6,4,6,6,6,4,4,6,6,6,6,3"

  func json(_ r: CLIResult, file: StaticString = #filePath, line: UInt = #line) throws -> Any {
    XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
    return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
  }

  /// Asserts exit 64 with exactly one stderr line containing `fragment`.
  func assertUsageError(_ args: [String], _ fragment: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let r = try runHelpprof(args, file: file, line: line)
    XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)", file: file, line: line)
    XCTAssertTrue(r.stderr.contains(fragment), "stderr was: \(r.stderr)", file: file, line: line)
    XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "stderr was: \(r.stderr)", file: file, line: line)
  }

  func testNB201ByIndexText() throws {
    let r = try runHelpprof(["arch", "nb201", "--index", "11472"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|"))
    XCTAssertTrue(r.stdout.contains("78,561,930"))
    XCTAssertTrue(r.stdout.contains("559,386"))
  }

  func testNB201ByArchJSON() throws {
    let arch = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
    let obj = try XCTUnwrap(json(try runHelpprof(["arch", "nb201", "--arch", arch, "--json"])) as? [String: Any])
    XCTAssertEqual(obj["index"] as? Int, 1)
    XCTAssertEqual(obj["arch"] as? String, arch)
    XCTAssertEqual(obj["macs"] as? Int, 113_951_370)
    XCTAssertEqual(obj["params"] as? Int, 802_426)
    XCTAssertEqual(obj["connected"] as? Bool, true)
    XCTAssertEqual(obj["live_edges"] as? [Bool], [true, true, true, true, true, true])
  }

  func testNB201DatasetAndDisconnected() throws {
    let obj = try XCTUnwrap(json(try runHelpprof(["arch", "nb201", "--index", "1", "--dataset", "ImageNet16-120", "--json"]))
      as? [String: Any])
    XCTAssertEqual(obj["macs"] as? Int, 28_495_480)
    let none = try XCTUnwrap(json(try runHelpprof(["arch", "nb201", "--index", "1651", "--json"])) as? [String: Any])
    XCTAssertEqual(none["connected"] as? Bool, false)
    XCTAssertEqual(none["macs"] as? Int, 7_783_050)
  }

  func testNB201Errors() throws {
    try assertUsageError(["arch", "nb201", "--index", "20000"], "index 20000 out of range: expected 0...15624")
    try assertUsageError(["arch", "nb201", "--index", "abc"], "index 'abc' is not an integer")
    try assertUsageError(["arch", "nb201", "--arch", "|conv5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|"],
                         "unknown op 'conv5x5' at position 2")
    try assertUsageError(["arch", "nb201", "--arch", "|none~0|+|none~0|none~1|"], "expected '+' and 3 nodes")
    try assertUsageError(["arch", "nb201"], "expected --index N or --arch STRING")
    try assertUsageError(["arch", "nb201", "--index", "1", "--arch", "x"], "expected exactly one")
    try assertUsageError(["arch", "nb201", "--index", "1", "--dataset", "mnist"], "dataset 'mnist' is unknown")
  }

  func testOFAConfigText() throws {
    let r = try runHelpprof(["arch", "ofa", "--config", gold])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("220,435,296"))
    XCTAssertTrue(r.stdout.contains("r=224 w=1.0 d=2,2,2,3,3"))
  }

  func testOFAConfigJSONWidth12() throws {
    let obj = try XCTUnwrap(json(try runHelpprof(["arch", "ofa", "--config", gold, "--width", "1.2", "--json"]))
      as? [String: Any])
    XCTAssertEqual(obj["macs"] as? Int, 336_258_352)
    XCTAssertEqual(obj["params"] as? Int, 7_600_928)
    XCTAssertEqual((obj["encoding"] as? [Any])?.count, 145)
    let config = try XCTUnwrap(obj["config"] as? [String: Any])
    XCTAssertEqual(config["width"] as? String, "1.2")
    XCTAssertEqual(config["resolution"] as? Int, 224)
  }

  func testOFASampleIsSeededArray() throws {
    let args = ["arch", "ofa", "--sample", "4", "--seed", "11", "--width", "1.2", "--json"]
    let a = try XCTUnwrap(json(try runHelpprof(args)) as? [[String: Any]])
    XCTAssertEqual(a.count, 4)
    for item in a {
      XCTAssertNotNil(item["macs"] as? Int)
      XCTAssertEqual((item["encoding"] as? [Any])?.count, 145)
      XCTAssertEqual((item["config"] as? [String: Any])?["width"] as? String, "1.2")
    }
    XCTAssertEqual(try runHelpprof(args).stdout, try runHelpprof(args).stdout)
  }

  func testOFAErrors() throws {
    try assertUsageError(["arch", "ofa", "--config", gold.replacingOccurrences(of: "r=224", with: "r=130")],
                         "resolution 130 is off the grid: expected 128, 132, ..., 224")
    try assertUsageError(["arch", "ofa", "--config", gold.replacingOccurrences(of: "d=2,2,2,3,3", with: "d=2,2,2,3")],
                         "d has 4 values: expected 5")
    try assertUsageError(["arch", "ofa", "--config", gold.replacingOccurrences(of: "ks=3,3,", with: "ks=3,")],
                         "ks has 19 values: expected 20")
    try assertUsageError(["arch", "ofa", "--config", gold.replacingOccurrences(of: "ks=3,", with: "ks=4,")],
                         "ks[0] = 4 is not a kernel size")
    try assertUsageError(["arch", "ofa", "--sample", "2", "--width", "1.5"], "width '1.5' is not an OFA width")
    try assertUsageError(["arch", "ofa"], "expected --config TEXT or --sample K")
    try assertUsageError(["arch", "ofa", "--config", #"{"ks": [3], "e": [3], "d": [2]}"#], "missing key 'r'")
    try assertUsageError(["arch", "ofa", "--config", #"{"ks": [3], "e": [3], "d": [2], "r": 224}"#],
                         "ks has 1 value: expected 20")
    try assertUsageError(["arch", "ofa", "--sample", "0"], "--sample 0 out of range")
  }
}
