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
    newer.metadata["format_version"] = "3"
    expect(newer, "newer than this helpprof supports")
    var older = good
    older.metadata["format_version"] = "1"
    older.sealChecksum()
    expect(older, "older helpprof")
    for text in [" 2", "+2", "2.0", "0x2"] {
      var odd = good
      odd.metadata["format_version"] = text
      odd.sealChecksum()
      expect(odd, "expected a positive integer")
    }
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
    // A nested-JSON bomb is refused before any parser recurses into it.
    expect(resealed { $0["host"] = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) },
           "nests deeper than 32")
    expect(resealed { $0["ofa_width"] = "1.2" }, "only for ofa")
  }

  /// Issue 14 #2: every metadata entry is covered by the checksum. Before, one flipped bit in `norm_a` (or any
  /// other metadata value) loaded silently and moved every prediction.
  func testChecksumCoversMetadata() throws {
    let good = try Self.file()
    XCTAssertNoThrow(try PredictorMetadata(file: good, source: "p.helpp"))
    for key in good.metadata.keys.sorted() where key != "checksum" {
      var flipped = good
      var bytes = Array(flipped.metadata[key, default: ""].utf8)
      bytes[bytes.count / 2] ^= 0x01
      flipped.metadata[key] = String(decoding: bytes, as: UTF8.self)
      // format and format_version are read first (a foreign or newer file says so rather than "corrupted").
      expect(flipped, key.hasPrefix("format") ? "p.helpp" : "checksum mismatch")
    }
    var added = good
    added.metadata["norm_a"] = "0.5"
    expect(added, "checksum mismatch")
  }

  /// Issue 14 #1: an OFA predictor records its supernet width, and its references must be of that width.
  func testOFAWidthIsRecordedAndChecked() throws {
    let ofaRef = ReferenceArch(index: 0, arch: OFAConfig.sample(count: 1, seed: 3, width: .w12)[0].text)
    var meta = Self.sample()
    meta = PredictorMetadata(space: .ofa, modelJSON: meta.modelJSON, targetNormalisationJSON: meta.targetNormalisationJSON,
                             referenceArchs: [ofaRef], referenceLatencyMs: [1], deviceEmbedding: [0], host: meta.host,
                             provenance: meta.provenance, validation: nil)
    XCTAssertEqual(meta.ofaWidth, .w12)
    let f = try Self.file(meta)
    XCTAssertEqual(f.metadata["ofa_width"], "1.2")
    XCTAssertEqual(try PredictorMetadata(file: f, source: "p.helpp").ofaWidth, .w12)
    func resealed(_ edit: (inout [String: String]) -> Void) -> TensorFile {
      var g = f
      edit(&g.metadata)
      g.sealChecksum()
      return g
    }
    expect(resealed { $0["ofa_width"] = nil }, "'ofa_width' is missing")
    expect(resealed { $0["ofa_width"] = "1.5" }, "expected 1.0 or 1.2")
    expect(resealed { $0["ofa_width"] = "1.0" }, "is not an OFA config of width 1.0")
  }
}
