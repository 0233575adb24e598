import Foundation
import XCTest
@testable import TensorFile

/// Every malformed-input case the loader must reject with a clear, typed error (never a crash).
final class TensorFileBadInputTests: XCTestCase {
  private func expect(_ bytes: [UInt8], _ expected: TensorFileError, options: TensorFile.LoadOptions = .init(),
                      mentions: [String] = [], file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try TensorFile(bytes: bytes, options: options), file: file, line: line) { error in
      XCTAssertEqual(error as? TensorFileError, expected, file: file, line: line)
      let text = "\(error)"
      for m in mentions { XCTAssertTrue(text.contains(m), "'\(text)' should mention '\(m)'", file: file, line: line) }
    }
  }

  private func expectKind(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line,
                          _ match: (TensorFileError) -> Bool) {
    XCTAssertThrowsError(try TensorFile(bytes: bytes), file: file, line: line) { error in
      guard let e = error as? TensorFileError, match(e) else {
        return XCTFail("unexpected error \(error)", file: file, line: line)
      }
    }
  }

  private let four = leBytes([1, 2, 3, 4])

  func testFileShorterThanEightBytes() {
    expect([], .fileTooShort(size: 0), mentions: ["0 bytes", "8"])
    expect([1, 0, 0], .fileTooShort(size: 3), mentions: ["3 bytes"])
  }

  func testHeaderLengthLargerThanFile() {
    expect(rawFile("{}", headerLength: 100), .headerLengthTooLarge(length: 100, available: 2), mentions: ["100", "2 bytes"])
    expect(rawFile("{}", headerLength: UInt64.max), .headerLengthTooLarge(length: UInt64.max, available: 2))
  }

  func testHeaderNotJSON() {
    expectKind(rawFile("{not json")) { if case .headerNotJSON = $0 { return true }; return false }
    var invalidUTF8 = rawFile("{\"a\":\"xx\"}")
    invalidUTF8[14] = 0xFF
    expectKind(invalidUTF8) { if case .headerNotJSON = $0 { return true }; return false }
  }

  func testHeaderNotObject() {
    expect(rawFile("[1,2]"), .headerNotObject(found: "array"), mentions: ["array", "object"])
    expect(rawFile("42"), .headerNotObject(found: "number"))
  }

  func testUnknownDType() {
    expect(rawFile(#"{"w":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}"#, [0, 0, 0, 0]),
           .unknownDType(name: "w", dtype: "BF16"), mentions: ["BF16", "F32"])
  }

  func testShapeTimesDTypeSizeNotOffsetSpan() {
    expect(rawFile(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}"#, four),
           .sizeMismatch(name: "w", shape: [3], dtype: "F32", expectedBytes: 12, spanBytes: 16),
           mentions: ["'w'", "[3]", "12", "16"])
    // Overflowing shape product.
    expectKind(rawFile(#"{"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,16]}}"#, four)) {
      if case .sizeMismatch = $0 { return true }; return false
    }
  }

  func testOffsetsOutOfRange() {
    expect(rawFile(#"{"w":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}}"#, four),
           .offsetsOutOfRange(name: "w", begin: 0, end: 32, dataLength: 16), mentions: ["[0, 32]", "16"])
    expect(rawFile(#"{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}}"#, four),
           .offsetsOutOfRange(name: "w", begin: 8, end: 4, dataLength: 16))
  }

  func testOverlappingOffsets() {
    expect(rawFile(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, four),
           .offsetsOverlap(name: "b", other: "a"), mentions: ["'b'", "'a'"])
  }

  func testOffsetsNotCoveringData() {
    // Gap at the start.
    expect(rawFile(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[4,16]}}"#, four), .dataNotCovered(begin: 0, end: 4))
    // Trailing bytes nobody owns.
    expect(rawFile(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, four),
           .dataNotCovered(begin: 8, end: 16), mentions: ["[8, 16)"])
    // No tensors but data present.
    expect(rawFile("{}", four), .dataNotCovered(begin: 0, end: 16))
  }

  func testDuplicateNames() {
    expect(rawFile(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, four),
           .duplicateName("a"), mentions: ["'a'", "twice"])
    expect(rawFile(#"{"__metadata__":{},"__metadata__":{}}"#), .duplicateName("__metadata__"))
  }

  func testNaNAndInfRejectedUnlessDisabled() throws {
    let nan = rawFile(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, leBytes([1, .nan]))
    XCTAssertThrowsError(try TensorFile(bytes: nan)) { error in
      guard case TensorFileError.nonFinite(let name, let index, let value) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(name, "w"); XCTAssertEqual(index, 1); XCTAssertTrue(value.isNaN)
    }
    expect(rawFile(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, leBytes([-.infinity])),
           .nonFinite(name: "w", index: 0, value: -.infinity), mentions: ["-inf", "finite"])
    let f64 = try TensorFile(tensors: ["d": Tensor(doubles: [0, .infinity])]).serialized()
    expect(f64, .nonFinite(name: "d", index: 1, value: .infinity))
    let relaxed = try TensorFile(bytes: nan, options: .init(checkFinite: false))
    XCTAssertEqual(relaxed.tensors["w"]?.floatValues()[0], 1)
  }

  func testMalformedEntries() {
    let cases = [
      #"{"w":[1]}"#, #"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, #"{"w":{"dtype":"F32","data_offsets":[0,4]}}"#,
      #"{"w":{"dtype":"F32","shape":[1]}}"#, #"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#,
      #"{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#,
      #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}"#,
      #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,"4"]}}"#, #"{"w":{"dtype":1,"shape":[1],"data_offsets":[0,4]}}"#,
      #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":1}}"#,
      #"{"w":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
    ]
    for header in cases {
      expectKind(rawFile(header, leBytes([1]))) { if case .badEntry(let name, _) = $0 { return name == "w" }; return false }
    }
    expect(rawFile(#"{"":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, leBytes([1])), .invalidName(""))
  }

  func testBadMetadata() {
    expectKind(rawFile(#"{"__metadata__":[1]}"#)) { if case .badMetadata = $0 { return true }; return false }
    expectKind(rawFile(#"{"__metadata__":{"a":1}}"#)) { if case .badMetadata = $0 { return true }; return false }
    expectKind(rawFile(#"{"__metadata__":{"a":"x","a":"y"}}"#)) { if case .badMetadata = $0 { return true }; return false }
  }

  func testMissingAndUnusedTensors() throws {
    let file = TensorFile(tensors: ["a": try Tensor(floats: [1, 2]), "extra": try Tensor(floats: [3])])
    XCTAssertThrowsError(try file.verifyLayout(["a": [2], "b": [1], "extra": nil])) {
      XCTAssertEqual($0 as? TensorFileError, .missingTensors(["b"]))
      XCTAssertTrue("\($0)".contains("missing tensors: b"))
    }
    XCTAssertThrowsError(try file.verifyLayout(["a": [2]])) {
      XCTAssertEqual($0 as? TensorFileError, .unusedTensors(["extra"]))
    }
    XCTAssertThrowsError(try file.verifyLayout(["a": [1, 2], "extra": [1]])) {
      XCTAssertEqual($0 as? TensorFileError, .wrongShape(name: "a", shape: [2], expected: [1, 2]))
    }
    XCTAssertNoThrow(try file.verifyLayout(["a": [2], "extra": nil]))
    let ints = TensorFile(tensors: ["a": try Tensor(int64s: [1])])
    XCTAssertThrowsError(try ints.verifyLayout(["a": [1]])) {
      XCTAssertEqual($0 as? TensorFileError, .wrongDType(name: "a", dtype: "I64", expected: "F32"))
    }
    XCTAssertThrowsError(try ints.floats("a"))
    XCTAssertThrowsError(try ints.tensor("zzz")) { XCTAssertEqual($0 as? TensorFileError, .missingTensors(["zzz"])) }
  }

  func testFormatNameAndVersion() throws {
    var file = TensorFile(metadata: ["format": "helpprof-predictor", "format_version": "1"])
    XCTAssertEqual(try file.verifyFormat(name: "helpprof-predictor", supportedVersion: 1), 1)
    file.metadata["format_version"] = "2"
    XCTAssertThrowsError(try file.verifyFormat(name: "helpprof-predictor", supportedVersion: 1)) {
      XCTAssertEqual($0 as? TensorFileError, .newerFormatVersion(found: 2, supported: 1))
      XCTAssertTrue("\($0)".contains("newer"))
    }
    file.metadata["format_version"] = "one"
    XCTAssertThrowsError(try file.verifyFormat(name: "helpprof-predictor", supportedVersion: 1)) {
      guard case TensorFileError.badMetadataValue(let key, _, _) = $0 else { return XCTFail("\($0)") }
      XCTAssertEqual(key, "format_version")
    }
    file.metadata["format"] = "something-else"
    XCTAssertThrowsError(try file.verifyFormat(name: "helpprof-predictor", supportedVersion: 1)) {
      XCTAssertEqual($0 as? TensorFileError, .formatMismatch(found: "something-else", expected: "helpprof-predictor"))
    }
    XCTAssertThrowsError(try TensorFile().verifyFormat(name: "x", supportedVersion: 1)) {
      XCTAssertEqual($0 as? TensorFileError, .missingMetadata(key: "format"))
    }
  }

  func testTensorConstructionChecksCount() {
    XCTAssertThrowsError(try Tensor(floats: [1, 2, 3], shape: [2, 2])) {
      XCTAssertEqual($0 as? TensorFileError, .elementCountMismatch(shape: [2, 2], expected: 4, got: 3))
    }
  }

  /// Every truncation and single-byte corruption of a valid file either loads or throws; never crashes.
  func testTruncationsAndCorruptionsNeverCrash() throws {
    var file = TensorFile(tensors: ["a": try Tensor(floats: [1, 2, 3], shape: [3]), "b": try Tensor(int64s: [7])],
                          metadata: ["format": "x"])
    file.sealChecksum()
    let good = try file.serialized()
    for cut in 0..<good.count { _ = try? TensorFile(bytes: Array(good[0..<cut])) }
    for i in 0..<good.count {
      for v: UInt8 in [0, 0x22, 0x7B, 0xFF] {
        var b = good
        b[i] = v
        _ = try? TensorFile(bytes: b)
      }
    }
  }
}
