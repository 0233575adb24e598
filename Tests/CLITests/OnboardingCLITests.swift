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
    let kept = refs.prefix(3).map { ($0["measurement"] as? [String: Any])?["samples_ms"] as? [Double] }

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
    XCTAssertEqual(afterRefs.prefix(3).map { ($0["measurement"] as? [String: Any])?["samples_ms"] as? [Double] }, kept)

    // Different settings on the same file are refused with a clear message.
    let other = try runHelpprof(["embed", "--out", path, "--threads", "2"] + Self.quick)
    XCTAssertEqual(other.status, 64)
    XCTAssertTrue(other.stderr.contains("threads = 1, but this run uses 2"), other.stderr)
  }

  // MARK: predict / report / adapt

  /// The adapted NB201 predictor fixture shared with the Python tests (written by `helpprof adapt`).
  static var fixtureDir: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("tools/tests/fixtures")
  }
  static var nb201Predictor: String { fixtureDir.appendingPathComponent("nb201-test.helpp").path }

  /// A copy of the fixture with `old` replaced by `new` (same length) in the header, or truncated.
  private func edited(_ dir: URL, _ name: String, replace old: String? = nil, with new: String? = nil,
                      flipByteFromEnd: Int? = nil, truncateTo: Int? = nil) throws -> String {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.nb201Predictor)))
    if let old, let new {
      let o = Array(old.utf8), n = Array(new.utf8)
      XCTAssertEqual(o.count, n.count)
      guard let at = (0...(bytes.count - o.count)).first(where: { Array(bytes[$0..<($0 + o.count)]) == o }) else {
        XCTFail("'\(old)' not in fixture"); return ""
      }
      bytes.replaceSubrange(at..<(at + o.count), with: n)
    }
    if let k = flipByteFromEnd { bytes[bytes.count - k] ^= 0x01 }
    if let t = truncateTo { bytes = Array(bytes.prefix(t)) }
    let path = dir.appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  func testPredictFromFixture() throws {
    let one = try runHelpprof(["predict", "--predictor", Self.nb201Predictor, "--index", "1462", "--json"])
    XCTAssertEqual(one.status, 0, one.stderr)
    let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [[String: Any]])
    XCTAssertEqual(rows.count, 1)
    XCTAssertEqual(rows[0]["index"] as? Int, 1462)
    let ms = try XCTUnwrap(rows[0]["predicted_ms"] as? Double)
    XCTAssertTrue(ms > 0 && ms.isFinite)
    // Same cell by arch string gives the same number.
    let byArch = try runHelpprof(["predict", "--predictor", Self.nb201Predictor, "--arch", rows[0]["arch"] as? String ?? "", "--json"])
    XCTAssertEqual(byArch.status, 0, byArch.stderr)
    let rows2 = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(byArch.stdout.utf8)) as? [[String: Any]])
    XCTAssertEqual(rows2[0]["predicted_ms"] as? Double ?? 0, ms, accuracy: ms * 1e-6)
    // A file of indices, arch strings and comments (the --all path is the same batch code).
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("archs.txt")
    let lines = ["# comment", "1462", rows[0]["arch"] as? String ?? ""] + (0..<50).map { String($0 * 300) }
    try Data(lines.joined(separator: "\n").utf8).write(to: file)
    let many = try runHelpprof(["predict", "--predictor", Self.nb201Predictor, "--archs-file", file.path, "--json"])
    XCTAssertEqual(many.status, 0, many.stderr)
    let manyRows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(many.stdout.utf8)) as? [[String: Any]])
    XCTAssertEqual(manyRows.count, 52)
    // Batches may sum in another order (BLAS blocking): equal within float32 rounding.
    XCTAssertEqual(manyRows[0]["predicted_ms"] as? Double ?? 0, ms, accuracy: ms * 1e-6)
    XCTAssertEqual(manyRows[1]["predicted_ms"] as? Double ?? 0, ms, accuracy: ms * 1e-6)
  }

  func testPredictBadInput() throws {
    let range = try runHelpprof(["predict", "--predictor", Self.nb201Predictor, "--index", "15625"])
    XCTAssertEqual(range.status, 64)
    XCTAssertTrue(range.stderr.contains("--index 15625 out of range"), range.stderr)
    let config = try runHelpprof(["predict", "--predictor", Self.nb201Predictor, "--config", "r=224"])
    XCTAssertEqual(config.status, 64)
    XCTAssertTrue(config.stderr.contains("needs an ofa predictor"), config.stderr)
    let nothing = try runHelpprof(["predict", "--predictor", Self.nb201Predictor])
    XCTAssertEqual(nothing.status, 64)
    let missing = try runHelpprof(["predict", "--predictor", "/nonexistent/x.helpp", "--index", "1"])
    XCTAssertEqual(missing.status, 1)
    XCTAssertTrue(missing.stderr.contains("/nonexistent/x.helpp"), missing.stderr)
  }

  func testPredictRejectsBadPredictorFiles() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let cases: [(String, String)] = [
      (try edited(dir, "newer.helpp", replace: "\"format_version\":\"2\"", with: "\"format_version\":\"3\""), "newer"),
      (try edited(dir, "corrupt.helpp", flipByteFromEnd: 5), "checksum mismatch"),
      (try edited(dir, "short.helpp", truncateTo: 5), "at least 8"),
      (try edited(dir, "cut.helpp", truncateTo: 10_000), "data_offsets"),
      // Metadata is covered by the checksum (issue 14 #2; before, this edit reached the tensor-layout check).
      (try edited(dir, "space.helpp", replace: "\"space\":\"nb201\"", with: "\"space\":\"ofa\"  "), "checksum mismatch"),
      (try edited(dir, "norm.helpp", replace: "\"norm_a\":\"0.8", with: "\"norm_a\":\"0.9"), "checksum mismatch"),
      (try edited(dir, "dtype.helpp", replace: "\"dtype\":\"F32\"", with: "\"dtype\":\"F16\""), "dtype 'F16'"),
    ]
    for (path, message) in cases {
      let r = try runHelpprof(["predict", "--predictor", path, "--index", "1"])
      XCTAssertEqual(r.status, 65, "\(path): \(r.stderr)")
      XCTAssertTrue(r.stderr.contains(message), "\(path): '\(r.stderr)' should contain '\(message)'")
      XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)
    }
  }

  func testReportWritesSelfContainedHTML() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let csv = dir.appendingPathComponent("m.csv")
    try Data("arch_index,latency_ms\n1462,9.1\n0,2.5\n100,3.3\n2000,1.7\n".utf8).write(to: csv)
    let out = dir.appendingPathComponent("report.html").path
    let r = try runHelpprof(["report", "--predictor", Self.nb201Predictor, "--measurements", csv.path, "--out", out])
    XCTAssertEqual(r.status, 0, r.stderr)
    let html = try String(contentsOfFile: out, encoding: .utf8)
    XCTAssertTrue(html.contains("<svg"))
    XCTAssertFalse(html.contains("<script"))
    XCTAssertTrue(html.contains("Spearman"))
    let bad = dir.appendingPathComponent("bad.csv")
    try Data("arch_index,latency_ms\n1462,fast\n".utf8).write(to: bad)
    let rb = try runHelpprof(["report", "--predictor", Self.nb201Predictor, "--measurements", bad.path, "--out", out])
    XCTAssertEqual(rb.status, 65)
    XCTAssertTrue(rb.stderr.contains("line 2"), rb.stderr)
  }

  func testAdaptRefusesMissingWrongSpaceAndIncompleteProfiles() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let none = try runHelpprof(["adapt", "--profile", dir.appendingPathComponent("absent.json").path])
    XCTAssertEqual(none.status, 64)
    XCTAssertTrue(none.stderr.contains("run `helpprof embed` first"), none.stderr)
    // An (incomplete) OFA profile.
    let profile = """
      {"format":"helpprof-device-profile","schemaVersion":1,"helpprofVersion":"t","createdAt":"x","updatedAt":"x",
       "space":"ofa","host":{"hostname":"h","cpuModel":"c","logicalCPUs":2,"simdLevel":"s","openBLASCore":"o",
       "kernel":"k","os":"o","virtualization":"v","frequencyScaling":"f","warnings":[]},
       "settings":{"kernels":"default","threads":1,"batch":1,"protocolSummary":"p","metaPredictorID":"m"},
       "references":[{"arch":{"index":1,"arch":"a"}},{"arch":{"index":2,"arch":"b"}}]}
      """
    let path = dir.appendingPathComponent("ofa.json").path
    try Data(profile.utf8).write(to: URL(fileURLWithPath: path))
    let wrong = try runHelpprof(["adapt", "--profile", path, "--space", "nb201"])
    XCTAssertEqual(wrong.status, 65)
    XCTAssertTrue(wrong.stderr.contains("is for search space 'ofa': expected 'nb201'"), wrong.stderr)
    let incomplete = try runHelpprof(["adapt", "--profile", path])
    XCTAssertEqual(incomplete.status, 65)
    XCTAssertTrue(incomplete.stderr.contains("incomplete"), incomplete.stderr)
    let shots = try runHelpprof(["adapt", "--profile", path, "--shots", "0"])
    XCTAssertEqual(shots.status, 64)
  }

  /// embed (tiny protocol) → adapt with shots from a CSV → predict/report; skipped without a bundled model.
  func testEmbedAdaptPredictEndToEnd() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let profile = dir.appendingPathComponent("device.json").path
    let embed = try runHelpprof(["embed", "--out", profile] + Self.quick)
    XCTAssertEqual(embed.status, 0, embed.stderr)
    let csv = dir.appendingPathComponent("shots.csv")
    var text = "arch_index,latency_ms\n"
    for (i, idx) in [1, 100, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000, 12_000].enumerated() {
      text += "\(idx),\(1.0 + 0.25 * Double(i))\n"
    }
    try Data(text.utf8).write(to: csv)
    let out = dir.appendingPathComponent("device.helpp").path
    let adapt = try runHelpprof(["adapt", "--profile", profile, "--measurements", csv.path, "--shots", "10",
                                 "--out", out, "--json"])
    if adapt.status != 0, adapt.stderr.contains("bundled meta-predictor") {
      throw XCTSkip("no bundled meta-predictor in this build")
    }
    XCTAssertEqual(adapt.status, 0, adapt.stderr)
    let result = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(adapt.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(result["shot_strategy"] as? String, "measurements-file")
    XCTAssertEqual((result["shots"] as? [Any])?.count, 10)
    let predict = try runHelpprof(["predict", "--predictor", out, "--index", "1462", "--json"])
    XCTAssertEqual(predict.status, 0, predict.stderr)
    // Adapting an NB201 profile while asking for OFA is refused.
    let wrong = try runHelpprof(["adapt", "--profile", profile, "--space", "ofa", "--measurements", csv.path])
    XCTAssertEqual(wrong.status, 65)
    XCTAssertTrue(wrong.stderr.contains("expected 'ofa'"), wrong.stderr)
    // Too few usable rows for --shots.
    let few = try runHelpprof(["adapt", "--profile", profile, "--measurements", csv.path, "--shots", "20", "--out", out])
    XCTAssertEqual(few.status, 64)
    XCTAssertTrue(few.stderr.contains("--shots is 20"), few.stderr)
  }
}
