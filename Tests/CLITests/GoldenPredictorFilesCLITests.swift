import Foundation
import XCTest

/// The shared golden predictor files (tools/tests/golden_bad, written by make_golden.py): `helpprof predict`
/// gives each the manifest's exit code, and tools/tests/test_golden_bad.py checks the numpy loader against the
/// same manifest, so the two loaders accept and reject the same files with the same exit class.
final class GoldenPredictorFilesCLITests: XCTestCase {
  struct Manifest: Decodable {
    struct Case: Decodable { var file: String; var args: [String]; var exit: Int32; var why: String }
    var cases: [Case]
  }

  static var goldenDir: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("tools/tests/golden_bad")
  }

  func testEveryGoldenFileGetsTheManifestVerdict() throws {
    let data = try Data(contentsOf: Self.goldenDir.appendingPathComponent("manifest.json"))
    let manifest = try JSONDecoder().decode(Manifest.self, from: data)
    XCTAssertGreaterThan(manifest.cases.count, 30)
    for c in manifest.cases {
      let path = Self.goldenDir.appendingPathComponent(c.file).path
      let r = try runHelpprof(["predict", "--predictor", path] + c.args + ["--json"])
      XCTAssertEqual(r.status, c.exit, "\(c.file) (\(c.why)): \(r.stderr)")
      if c.exit == 0 {
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]], c.file)
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(Set(rows[0].keys), ["arch", "index", "predicted_ms"])
        XCTAssertGreaterThan(rows[0]["predicted_ms"] as? Double ?? 0, 0)
      } else {
        XCTAssertTrue(r.stderr.hasPrefix("helpprof: error: "), "\(c.file): \(r.stderr)")
        XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, "\(c.file): one line: \(r.stderr)")
        XCTAssertTrue(r.stdout.isEmpty, "\(c.file): nothing on stdout")
      }
    }
  }
}
