import Foundation
import XCTest
@testable import Onboarding
import Predictor
import Profiler
import SearchSpace

/// `EmbedFlow.run`, the library call behind `helpprof embed`, with a fake measurer (no timing).
final class EmbedFlowTests: XCTestCase {
  /// A measurer recording every pending reference with `Fixture.measurement(for:)`, stopping after `limit`.
  private func fake(limit: Int = .max, measured: @escaping (ReferenceArch) -> Void = { _ in }) -> EmbedFlow.MakeMeasurer {
    return { _, _, _ in
      return { pending, record in
        for ref in pending.prefix(limit) {
          measured(ref)
          try record(ref, try Fixture.measurement(for: ref))
        }
      }
    }
  }

  func testEmbedWritesACompleteProfileAndResumes() throws {
    guard (try? MetaPredictorCatalog.referenceArchs(space: .nb201)) != nil else {
      throw XCTSkip("no bundled NB201 meta-predictor in this build")
    }
    let dir = try Fixture.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    var request = EmbedFlow.Request(outPath: dir.appendingPathComponent("device.json").path, helpprofVersion: "test")
    request.host = Fixture.host
    // Stopped after 4 references: the file keeps them, the call says the profile is incomplete.
    XCTAssertThrowsError(try EmbedFlow.run(request, measurer: fake(limit: 4))) {
      XCTAssertEqual($0 as? OnboardingError, .incompleteProfile(path: request.outPath, missing: 6))
    }
    var seen: [ReferenceArch] = []
    var told: (resumed: Int, total: Int)?
    let outcome = try EmbedFlow.run(request) { settings, resumed, total in
      told = (resumed, total)
      XCTAssertEqual(settings.space, .nb201)
      XCTAssertEqual(settings.counters, [], "no counter pass for an embed")
      return self.fake { seen.append($0) }(settings, resumed, total)
    }
    XCTAssertEqual(told?.resumed, 4)
    XCTAssertEqual(told?.total, 10)
    XCTAssertEqual(seen.count, 6, "only the pending references are measured again")
    XCTAssertEqual(outcome.resumed, 4)
    XCTAssertTrue(outcome.profile.isComplete)
    XCTAssertEqual(outcome.profile.embedding?.count, 10)
    XCTAssertEqual(try DeviceProfile.read(path: request.outPath), outcome.profile)
    XCTAssertEqual(outcome.profile.settings.metaPredictorID, try MetaPredictorCatalog.id(space: .nb201))
    // Other settings on the existing profile are refused unless restarted.
    var other = request
    other.threads = 2
    XCTAssertThrowsError(try EmbedFlow.run(other, measurer: fake())) {
      guard case OnboardingError.settingsMismatch(_, let field, _, _) = $0 else { return XCTFail("\($0)") }
      XCTAssertEqual(field, "threads")
    }
    other.restart = true
    XCTAssertEqual(try EmbedFlow.run(other, measurer: fake()).resumed, 0)
  }

  func testInvalidSettingsAreRefusedBeforeAnyFileIsWritten() throws {
    let dir = try Fixture.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    var request = EmbedFlow.Request(outPath: dir.appendingPathComponent("device.json").path, helpprofVersion: "test")
    request.host = Fixture.host
    request.dataset = "mnist"
    XCTAssertThrowsError(try EmbedFlow.run(request, measurer: fake())) {
      XCTAssertTrue("\($0)".contains("dataset 'mnist'"), "\($0)")
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: request.outPath))
  }
}
