import Foundation
import XCTest

/// Issue 14 #18: `predict --csv` (one header, RFC 4180 quoting of OFA texts, the same numbers as --json).
final class PredictCSVCLITests: XCTestCase {
  func testCSVMatchesJSONAndQuotesOFATexts() throws {
    let nb = RobustnessCLITests.nb201Predictor
    let csv = try runHelpprof(["predict", "--predictor", nb, "--index", "1462", "--index", "0", "--csv"])
    XCTAssertEqual(csv.status, 0, csv.stderr)
    let lines = csv.stdout.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.first, "arch_index,arch_str,predicted_ms")
    XCTAssertEqual(lines.count, 3)
    let json = try runHelpprof(["predict", "--predictor", nb, "--index", "1462", "--index", "0", "--json"])
    let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
    for (line, row) in zip(lines.dropFirst(), rows) {
      let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      XCTAssertEqual(f.count, 3, line)
      XCTAssertEqual(Int(f[0]), row["index"] as? Int)
      XCTAssertEqual(f[1], row["arch"] as? String)
      XCTAssertEqual(try XCTUnwrap(Double(f[2])), try XCTUnwrap(row["predicted_ms"] as? Double), accuracy: 1e-9)
    }
    let ofa = try runHelpprof(["predict", "--predictor", PredictorInputCLITests.ofaPredictor,
                               "--config", PredictorInputCLITests.ofaBody, "--csv"])
    XCTAssertEqual(ofa.status, 0, ofa.stderr)
    let row = try XCTUnwrap(ofa.stdout.split(separator: "\n").dropFirst().first.map(String.init))
    XCTAssertTrue(row.hasPrefix(",\"r=196 w=1.2 d=4,3,3,4,2 ks="), row)
  }

  func testJSONAndCSVTogetherAreRefused() throws {
    let r = try runHelpprof(["predict", "--predictor", RobustnessCLITests.nb201Predictor, "--index", "1", "--json", "--csv"])
    XCTAssertEqual(r.status, 64, r.stderr)
    XCTAssertTrue(r.stderr.contains("--json and --csv"), r.stderr)
  }
}
