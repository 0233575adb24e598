import Foundation
@testable import Onboarding
import XCTest

/// The measurement-quality figure of embed/adapt and the corrected reference latencies in the device profile.
final class MeasurementQualityTests: XCTestCase {
  func testFigureAndVerdictAgainstNaiveReference() throws {
    let cis = [0.004, 0.01, 0.006, 0.03, 0.002]
    let q = try XCTUnwrap(MeasurementQuality(relativeCIs: cis, names: ["a", "b", "c", "d", "e"], slowRounds: 3, rounds: 30))
    // Naive: sorted 0.002, 0.004, 0.006, 0.01, 0.03 → median 0.006, max 0.03 (d).
    XCTAssertEqual(q.medianRelativeCI, 0.006, accuracy: 1e-12)
    XCTAssertEqual(q.maxRelativeCI, 0.03)
    XCTAssertEqual(q.worstArch, "d")
    XCTAssertEqual(q.slowRoundShare, 0.1, accuracy: 1e-12)
    XCTAssertFalse(q.disturbed)
    XCTAssertNil(q.warningLine)
    let even = try XCTUnwrap(MeasurementQuality(relativeCIs: [0.01, 0.03], names: ["a", "b"], slowRounds: 0, rounds: 0))
    XCTAssertEqual(even.medianRelativeCI, 0.02, accuracy: 1e-12)

    let bad = try XCTUnwrap(MeasurementQuality(relativeCIs: [0.03, 0.04, 0.08], names: ["x", "y", "z"],
                                               slowRounds: 20, rounds: 30))
    XCTAssertTrue(bad.disturbed)
    XCTAssertEqual(bad.reasons.count, 2, "\(bad.reasons) (slow rounds are reported, not a reason)")
    XCTAssertTrue(try XCTUnwrap(bad.warningLine).contains("too disturbed"))
    let json = try bad.json()
    XCTAssertTrue(json.contains("\"median_relative_ci\""), json)
    XCTAssertTrue(json.contains("\"disturbed\":true"), json)

    XCTAssertNil(MeasurementQuality(relativeCIs: [], names: [], slowRounds: 0, rounds: 0))
    XCTAssertNil(MeasurementQuality(relativeCIs: [.nan], names: ["a"], slowRounds: 0, rounds: 0))
  }

  func testProfileUsesCorrectedLatenciesAndRecordsQuality() throws {
    var p = Fixture.profile()
    for (i, r) in p.references.enumerated() {
      let raw = try Fixture.measurement(for: r.arch)
      p.references[i].measurement = try ReferenceMeasurement.Measurement(
        samplesMs: raw.samplesMs, noisy: false, otherCores: 0, macs: nil, measuredAt: raw.measuredAt,
        latencyMs: Double(i + 1), ciRelative: 0.001 * Double(i + 1), slowRounds: 1, rounds: 10, canaryMs: 1.4)
    }
    p.refreshEmbedding()
    XCTAssertEqual(p.referenceMedians, (1...10).map(Double.init), "the embedding uses the protocol's estimates")
    XCTAssertEqual(p.embedding?.first, 0)
    XCTAssertEqual(p.embedding?.last, 1)
    let q = try XCTUnwrap(p.measurementQuality)
    XCTAssertEqual(q.archs, 10)
    XCTAssertEqual(q.maxRelativeCI, 0.01, accuracy: 1e-12)
    XCTAssertEqual(q.worstArch, "1462")
    XCTAssertEqual(q.slowRoundShare, 0.1, accuracy: 1e-12)
    let back = try DeviceProfile.decode(try p.encoded())
    XCTAssertEqual(back, p)
    // A profile from before the canary protocol (no estimate, no CI) still reads, with medians and no quality.
    var old = Fixture.profile()
    for (i, r) in old.references.enumerated() { old.references[i].measurement = try Fixture.measurement(for: r.arch) }
    old.refreshEmbedding()
    XCTAssertNil(old.measurementQuality)
    XCTAssertEqual(old.referenceMedians?.first, old.references[0].measurement?.stats.median)
    var bad = p
    bad.references[0].measurement?.latencyMs = -1
    XCTAssertThrowsError(try DeviceProfile.decode(try bad.encoded()))
  }
}
