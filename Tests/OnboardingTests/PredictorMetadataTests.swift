import Foundation
import XCTest
import TensorFile
import SearchSpace
@testable import Onboarding

final class PredictorMetadataTests: XCTestCase {
  static func sample() -> PredictorMetadata {
    let refs = Array(Fixture.refs.prefix(3))
    return PredictorMetadata(
      space: .nb201, modelJSON: #"{"kind":"test"}"#, targetNormalisationJSON: #"{"kind":"minmax","min":1,"max":2}"#,
      referenceArchs: refs, referenceLatencyMs: [1, 2, 3], deviceEmbedding: [0, 0.5, 1], host: Fixture.host,
      provenance: .init(helpprofVersion: "test", metaPredictorID: "m", shots: 1, seed: 7,
                        shotStrategy: "stratified-by-macs", shotArchs: [.init(index: 5, arch: "a", latencyMs: 1.5)],
                        settings: Fixture.settings, createdAt: "2026-01-01T00:00:00Z"),
      validation: nil)
  }

  static func file(_ meta: PredictorMetadata = sample()) throws -> TensorFile {
    var f = TensorFile(tensors: ["w": try Tensor(floats: [1, 2])], metadata: try meta.encoded())
    f.sealChecksum()
    return f
  }

  func testRoundTrip() throws {
    let f = try TensorFile(bytes: try Self.file().serialized())
    let back = try PredictorMetadata(file: f, source: "p.helpp", expectedSpace: .nb201)
    XCTAssertEqual(back, Self.sample())
  }

  private func expect(_ f: TensorFile, expectedSpace: SpaceKindOrNil = .none, _ contains: String,
                      file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try PredictorMetadata(file: f, source: "p.helpp", expectedSpace: expectedSpace.value),
                         file: file, line: line) { error in
      XCTAssertTrue("\(error)".contains(contains), "'\(error)' should contain '\(contains)'", file: file, line: line)
    }
  }

  enum SpaceKindOrNil { case none, nb201, ofa
    var value: SpaceKind? { self == .none ? nil : (self == .nb201 ? .nb201 : .ofa) }
  }

  func testRejections() throws {
    let good = try Self.file()
    expect(good, expectedSpace: .ofa, "is for search space 'nb201': expected 'ofa'")
    var newer = good
    newer.metadata["format_version"] = "2"
    expect(newer, "newer than this helpprof supports")
    var other = good
    other.metadata["format"] = "something"
    expect(other, "file format is 'something'")
    var edited = good
    edited.tensors["w"] = try Tensor(floats: [1, 3])
    expect(edited, "checksum mismatch")
    func resealed(_ edit: (inout [String: String]) -> Void) -> TensorFile {
      var f = good
      edit(&f.metadata)
      f.sealChecksum()
      return f
    }
    expect(resealed { $0["space"] = "mobilenet" }, "expected nb201 or ofa")
    expect(resealed { $0["model"] = "[1]" }, "expected a JSON object")
    expect(resealed { $0["host"] = nil }, "'host' is missing")
    expect(resealed { $0["device_embedding"] = "[0.5]" }, "expected one each")
    expect(resealed { $0["device_embedding"] = "[0, null, 1]" }, "device_embedding")
    expect(resealed { $0["reference_latency_ms"] = "[1, -2, 3]" }, "positive number")
    expect(resealed { $0["provenance"] = "{}" }, "provenance")
  }
}
