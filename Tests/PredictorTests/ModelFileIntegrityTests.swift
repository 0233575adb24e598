import Foundation
import SearchSpace
import XCTest
@testable import Predictor

/// Issue 14 #3 and #4: meta-predictor and adapted-predictor files are sealed with a checksum over tensors and
/// metadata, hold exactly their declared tensors and shapes, and every malformed one is a `PredictorError`
/// (exit 65 in the CLI), never a silent change of the predictions.
final class ModelFileIntegrityTests: XCTestCase {
  private func bundledBytes(_ space: SpaceKind = .nb201) throws -> [UInt8] {
    try MetaPredictor.loadBundled(space: space).stored.serialized()
  }

  func testBundledFilesAreSealedAndVerified() throws {
    let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Sources/Predictor/Resources")
    for space in SpaceKind.allCases {
      let name = "\(space.rawValue)-meta"
      let s = try StoredTensors.read(path: resources.appendingPathComponent(name + ".safetensors").path)
      XCTAssertNotNil(s.metadata["checksum"], "\(name) carries its checksum")
      // Writing it again gives the same tensors and checksum: the bundled bytes are what meta-train writes.
      let again = try StoredTensors.read(bytes: try s.serialized(), origin: "again")
      XCTAssertEqual(again.metadata["checksum"], s.metadata["checksum"])
      for (k, v) in s.tensors { XCTAssertEqual(again.tensors[k]?.data, v.data, k) }
    }
  }

  /// Before: 35 of 150 random bit flips in a meta-predictor changed predictions silently. Now every flip of a
  /// data or metadata byte is an error (a flip in the header's JSON syntax may also be one, of another kind).
  func testEveryBitFlipIsRefused() throws {
    let good = try bundledBytes()
    XCTAssertNoThrow(try StoredTensors.read(bytes: good, origin: "good"))
    var rng = SplitMix64(seed: 5)
    for _ in 0..<40 {  // 40 random flips (150 in the issue's count; each check reads and hashes 0.5 MB)
      var b = good
      let at = 8 + Int(rng.next() % UInt64(b.count - 8))
      b[at] ^= UInt8(1 << (rng.next() % 8))
      XCTAssertThrowsError(try MetaPredictor(stored: try StoredTensors.read(bytes: b, origin: "flipped")), "byte \(at)") {
        XCTAssertTrue($0 is PredictorError, "byte \(at): \($0)")
      }
    }
  }

  func testUnsealedReshapedAndExtraTensorsAreRefused() throws {
    let meta = try MetaPredictor.loadBundled(space: .nb201)
    func refused(_ edit: (inout StoredTensors) -> Void, _ message: String, seal: Bool = true,
                 file: StaticString = #filePath, line: UInt = #line) throws {
      var s = meta.stored
      edit(&s)
      var bytes = try s.serialized()
      if !seal {
        // Remove the checksum the writer adds: rewrite the file without it through TensorFile.
        var plain = try StoredTensors.read(bytes: bytes, origin: "x")
        plain.metadata["checksum"] = nil
        bytes = try Self.unsealed(plain)
      }
      XCTAssertThrowsError(try MetaPredictor(stored: try StoredTensors.read(bytes: bytes, origin: "m.safetensors")),
                           file: file, line: line) {
        XCTAssertTrue($0 is PredictorError, "\($0)", file: file, line: line)
        XCTAssertTrue("\($0)".contains(message), "'\($0)' should contain '\(message)'", file: file, line: line)
      }
    }
    try refused({ _ in }, "metadata key 'checksum' is missing", seal: false)
    // Same element count, other shape (before: accepted).
    try refused({ $0.tensors["fc5.weight"]?.shape = [1, 200] }, "tensor 'fc5.weight' has shape [1, 200]: expected [200, 1]")
    try refused({ $0.tensors["surprise"] = ([1], [0]) }, "unexpected tensors (not used by this model): surprise")
    try refused({ $0.tensors["gc2.weight"] = nil }, "missing tensors: gc2.weight")
    try refused({ $0.metadata["members"] = "2" }, "missing tensors: member1.")
  }

  /// Issue 14 #3: unusable normalisation constants or weights are errors, not `nan ms` / `inf ms` / a constant.
  func testAdaptedPredictorRefusesUnusableConstantsAndWeights() throws {
    let meta = try MetaPredictor.loadBundled(space: .nb201)
    let refs = meta.referenceArchs.enumerated().map { (arch: $0.element, latencyMs: 0.5 + 0.1 * Double($0.offset)) }
    let adapted = try meta.adapt(measurements: refs, steps: 0)
    let good = adapted.stored
    XCTAssertNoThrow(try AdaptedPredictor(tensors: good.tensors, metadata: good.metadata))
    func refused(_ edit: (inout StoredTensors) -> Void, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
      var s = good
      edit(&s)
      XCTAssertThrowsError(try AdaptedPredictor(tensors: s.tensors, metadata: s.metadata), file: file, line: line) {
        XCTAssertTrue("\($0)".contains(message), "'\($0)' should contain '\(message)'", file: file, line: line)
      }
    }
    refused({ $0.metadata["norm_b"] = "0" }, "not usable log-latency constants")
    refused({ $0.metadata["norm_b"] = "nan" }, "expected a finite decimal number")
    refused({ $0.metadata["norm_a"] = "inf" }, "expected a finite decimal number")
    refused({ $0.metadata["norm_a"] = "1e999" }, "expected a finite decimal number")
    refused({ $0.metadata["norm_a"] = "0x1p3" }, "expected a finite decimal number")
    refused({ $0.metadata["normalisation"] = "help-minmax"; $0.metadata["norm_a"] = "2"; $0.metadata["norm_b"] = "2" },
            "not a latency range")
    refused({ $0.metadata["live_feature"] = "yes" }, "expected true or false")
    refused({ $0.metadata["hidden"] = "+100" }, "expected an integer")
    refused({ $0.tensors["fc5.weight"]?.data = [Float](repeating: 1e30, count: 200) }, "expected |value| <= 10000")
    refused({ $0.tensors["fc5.weight"]?.shape = [1, 200] }, "has shape [1, 200]")
    // A prediction that is not a positive finite number is an error too (last line of defence).
    let p = try AdaptedPredictor(tensors: good.tensors, metadata: good.metadata)
    let broken = AdaptedPredictor(config: p.config, members: p.members,
                                  normaliser: DeviceNormaliser(recipe: .logRef, a: 800, b: 1, embedding: p.normaliser.embedding),
                                  metadata: [:])
    XCTAssertThrowsError(try broken.predictMs([meta.referenceArchs[0]])) {
      XCTAssertTrue("\($0)".contains("expected a positive finite latency"), "\($0)")
    }
  }

  /// Safetensors bytes without a checksum (what files written before the checksum look like).
  static func unsealed(_ s: StoredTensors) throws -> [UInt8] {
    var header = "{\"__metadata__\":{"
    header += s.metadata.keys.sorted().map { "\"\($0)\":\(Self.quote(s.metadata[$0] ?? ""))" }.joined(separator: ",") + "}"
    var data: [UInt8] = []
    for name in s.tensors.keys.sorted() {
      guard let t = s.tensors[name] else { continue }
      let begin = data.count
      for v in t.data { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
      header += ",\"\(name)\":{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],"
        + "\"data_offsets\":[\(begin),\(data.count)]}"
    }
    header += "}"
    var h = Array(header.utf8)
    while h.count % 8 != 0 { h.append(0x20) }
    var out: [UInt8] = (0..<8).map { UInt8((h.count >> (8 * $0)) & 0xFF) }
    out += h
    out += data
    return out
  }

  static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      default: if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
      }
    }
    return out + "\""
  }
}
