import Foundation
import XCTest

/// `helpprof run`: JSON keys, text output, per-layer timing, bad input exit codes.
final class RunCLITests: XCTestCase {
  func testRunNB201PrintsJSONWithContext() throws {
    let r = try runHelpprof(["run", "--space", "nb201", "--index", "1", "--dataset", "ImageNet16-120",
                             "--repeat", "3", "--warmup", "1", "--json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    for key in ["median_ms", "p10_ms", "p90_ms", "min_ms", "kernels", "threads", "openblas_core", "pruned", "macs",
                "samples_ms", "simd_level"] {
      XCTAssertNotNil(obj[key], "missing \(key)")
    }
    XCTAssertEqual(obj["macs"] as? Int, 28_495_480)
    XCTAssertEqual(obj["kernels"] as? String, "default")
    XCTAssertEqual(obj["pruned"] as? Bool, false)
    XCTAssertGreaterThanOrEqual((obj["samples_ms"] as? [Double])?.count ?? 0, 3, "at least --repeat runs")
    XCTAssertEqual(obj["measurement_protocol"] as? String, "canary")
    for key in ["raw_median_ms", "ci_rel", "canary_ms", "canary_ratio", "slow_rounds", "preempted"] {
      XCTAssertNotNil(obj[key], "missing \(key)")
    }
  }

  func testNaiveProtocolTimesExactlyRepeatRuns() throws {
    let r = try runHelpprof(["run", "--space", "nb201", "--index", "1", "--repeat", "4", "--warmup", "1",
                             "--protocol", "naive", "--json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    XCTAssertEqual((obj["samples_ms"] as? [Double])?.count, 4)
    XCTAssertEqual(obj["median_ms"] as? Double, obj["raw_median_ms"] as? Double)
    let bad = try runHelpprof(["run", "--space", "nb201", "--index", "1", "--protocol", "fastest"])
    XCTAssertEqual(bad.status, 64, bad.stderr)
  }

  func testRunOFAWithLayersAndKernels() throws {
    let cfg = "r=128 w=1.0 d=2,2,2,2,2 ks=3,3,3,3,5,5,5,5,7,7,7,7,3,3,3,3,5,5,5,5 e=3,3,3,3,4,4,4,4,6,6,6,6,3,3,3,3,4,4,4,4"
    let r = try runHelpprof(["run", "--space", "ofa", "--config", cfg, "--kernels", "simd", "--repeat", "2",
                             "--warmup", "0", "--layers", "--json"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(obj["kernels"] as? String, "simd")
    XCTAssertFalse(((obj["layers"] as? [[String: Any]]) ?? []).isEmpty)
    XCTAssertFalse(((obj["op_shares"] as? [[String: Any]]) ?? []).isEmpty)
  }

  func testTextOutputAndPruning() throws {
    let r = try runHelpprof(["run", "--space", "nb201", "--arch",
                             "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|", "--dataset", "ImageNet16-120",
                             "--repeat", "2", "--warmup", "0", "--prune-dead-ops"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("median"), r.stdout)
    XCTAssertTrue(r.stdout.contains("pruned true"), r.stdout)
  }

  func testBadInputExits64() throws {
    let cases: [[String]] = [
      ["run", "--space", "nb201", "--index", "20000"],
      ["run", "--space", "nb201"],
      ["run", "--space", "ofa"],
      ["run", "--space", "nb201", "--index", "1", "--kernels", "fastest"],
      ["run", "--space", "resnet", "--index", "1"],
      ["run", "--space", "nb201", "--index", "1", "--dataset", "mnist"],
    ]
    for args in cases {
      let r = try runHelpprof(args)
      XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
      XCTAssertTrue(r.stderr.contains("error"), "\(args): \(r.stderr)")
    }
  }
}
