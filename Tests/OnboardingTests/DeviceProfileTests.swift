import Foundation
import XCTest
@testable import Onboarding

final class DeviceProfileTests: XCTestCase {
  private func complete() throws -> DeviceProfile {
    var p = Fixture.profile()
    for i in p.references.indices { p.references[i].measurement = try Fixture.measurement(for: p.references[i].arch) }
    p.refreshEmbedding()
    return p
  }

  func testRoundTripAndEmbedding() throws {
    let p = try complete()
    XCTAssertTrue(p.isComplete)
    let back = try DeviceProfile.decode(try p.encoded())
    XCTAssertEqual(back, p)
    // Naive reference of the min-max embedding.
    let med = p.references.map { $0.measurement!.stats.median }
    let lo = med.min()!, hi = med.max()!
    for (e, m) in zip(p.embedding!, med) { XCTAssertEqual(e, (m - lo) / (hi - lo), accuracy: 1e-12) }
    XCTAssertEqual(DeviceProfile.minMaxNormalise([2, 2]), [0.5, 0.5])
  }

  private func expectBad(_ json: String, _ contains: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try DeviceProfile.decode(Data(json.utf8), source: "p.json"), file: file, line: line) { error in
      XCTAssertTrue("\(error)".contains(contains), "'\(error)' should contain '\(contains)'", file: file, line: line)
    }
  }

  private func mutated(_ edit: (inout [String: Any]) -> Void) throws -> String {
    var obj = try XCTUnwrap(JSONSerialization.jsonObject(with: try complete().encoded()) as? [String: Any])
    edit(&obj)
    return String(decoding: try JSONSerialization.data(withJSONObject: obj), as: UTF8.self)
  }

  func testRejectsMalformedProfiles() throws {
    expectBad("", "not a JSON object")
    expectBad("[1]", "not a JSON object")
    expectBad(#"{"schemaVersion":1}"#, "no 'format'")
    expectBad(#"{"format":"other","schemaVersion":1}"#, "format is 'other'")
    expectBad(try mutated { $0["schema_version"] = 2 }, "newer")
    expectBad(try mutated { $0["schema_version"] = "1" }, "schema_version")
    expectBad(try mutated { $0["space"] = "mobilenet" }, "space")
    expectBad(try mutated { $0.removeValue(forKey: "host") }, "host is missing")
    expectBad(try mutated { $0["references"] = [] }, "no reference")
    expectBad(try mutated { $0["embedding"] = [0.5] }, "embedding has 1 values")
    expectBad(try mutated { obj in
      var refs = obj["references"] as! [[String: Any]]
      var m = refs[0]["measurement"] as! [String: Any]
      m["samples_ms"] = [-1.0, 2.0]
      refs[0]["measurement"] = m
      obj["references"] = refs
    }, "positive finite")
    expectBad(try mutated { obj in
      var refs = obj["references"] as! [[String: Any]]
      var m = refs[0]["measurement"] as! [String: Any]
      m["samples_ms"] = [100.0, 100.0, 100.0, 100.0]
      refs[0]["measurement"] = m
      obj["references"] = refs
    }, "statistics do not match")
    expectBad(try mutated { obj in
      var refs = obj["references"] as! [[String: Any]]
      refs[1] = refs[0]
      obj["references"] = refs
    }, "listed twice")
  }

  func testReadMissingFile() {
    XCTAssertThrowsError(try DeviceProfile.read(path: "/nonexistent/device.json")) { error in
      guard case OnboardingError.io = error else { return XCTFail("\(error)") }
    }
  }

  func testMeasurementRejectsEmptySamples() {
    XCTAssertThrowsError(try ReferenceMeasurement.Measurement(samplesMs: [], noisy: false, otherCores: nil, macs: nil))
    XCTAssertThrowsError(try ReferenceMeasurement.Measurement(samplesMs: [.nan], noisy: false, otherCores: nil, macs: nil))
  }
}

final class EmbedSessionTests: XCTestCase {
  struct Interrupted: Error {}

  func testInterruptedEmbedResumes() throws {
    let dir = try Fixture.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("device.json").path

    // First run: interrupted after 3 references.
    var first = try EmbedSession(path: path, fresh: Fixture.profile())
    XCTAssertEqual(first.resumedCount, 0)
    XCTAssertThrowsError(try first.run { pending, record in
      for (n, arch) in pending.enumerated() {
        if n == 3 { throw Interrupted() }
        try record(arch, try Fixture.measurement(for: arch))
      }
    })
    let partial = try DeviceProfile.read(path: path)
    XCTAssertEqual(partial.references.filter { $0.measurement != nil }.count, 3)
    XCTAssertNil(partial.embedding)
    XCTAssertFalse(partial.isComplete)

    // Second run: measures only the other 7.
    var second = try EmbedSession(path: path, fresh: Fixture.profile())
    XCTAssertEqual(second.resumedCount, 3)
    var measured: [Int] = []
    let done = try second.run { pending, record in
      for arch in pending {
        measured.append(arch.index)
        try record(arch, try Fixture.measurement(for: arch))
      }
    }
    XCTAssertEqual(measured, Array(Fixture.refs.dropFirst(3).map(\.index)))
    XCTAssertTrue(done.isComplete)
    XCTAssertEqual(try DeviceProfile.read(path: path), done)

    // Third run: nothing to measure.
    var third = try EmbedSession(path: path, fresh: Fixture.profile())
    XCTAssertEqual(third.pending, [])
    _ = try third.run { _, _ in XCTFail("nothing should be measured") }
  }

  func testStoppedEarlyReportsIncomplete() throws {
    let dir = try Fixture.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("device.json").path
    var s = try EmbedSession(path: path, fresh: Fixture.profile())
    XCTAssertThrowsError(try s.run { pending, record in try record(pending[0], try Fixture.measurement(for: pending[0])) }) {
      XCTAssertEqual($0 as? OnboardingError, .incompleteProfile(path: path, missing: 9))
    }
  }

  func testResumeWithOtherSettingsIsRefusedUnlessRestart() throws {
    let dir = try Fixture.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("device.json").path
    var s = try EmbedSession(path: path, fresh: Fixture.profile())
    try s.record(Fixture.refs[0], try Fixture.measurement(for: Fixture.refs[0]))
    var other = Fixture.settings
    other.threads = 2
    XCTAssertThrowsError(try EmbedSession(path: path, fresh: Fixture.profile(settings: other))) { error in
      guard case OnboardingError.settingsMismatch(_, let field, let found, let expected) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(field, "threads"); XCTAssertEqual(found, "1"); XCTAssertEqual(expected, "2")
      XCTAssertTrue("\(error)".contains("--fresh"))
    }
    let restarted = try EmbedSession(path: path, fresh: Fixture.profile(settings: other), restart: true)
    XCTAssertEqual(restarted.resumedCount, 0)
    XCTAssertEqual(try DeviceProfile.read(path: path).settings.threads, 2)
  }

  func testCorruptPartialFileIsAClearError() throws {
    let dir = try Fixture.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("device.json").path
    try Data("{ half-written".utf8).write(to: URL(fileURLWithPath: path))
    XCTAssertThrowsError(try EmbedSession(path: path, fresh: Fixture.profile())) { error in
      XCTAssertTrue("\(error)".contains("cannot resume"))
      XCTAssertTrue("\(error)".contains("--fresh"))
    }
  }
}
