import Foundation
import XCTest
@testable import TensorFile

/// Builds a raw safetensors file from a header string and data bytes (length prefix computed).
func rawFile(_ header: String, _ data: [UInt8] = [], headerLength: UInt64? = nil) -> [UInt8] {
  let h = Array(header.utf8)
  let n = headerLength ?? UInt64(h.count)
  var out: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) }
  out += h
  out += data
  return out
}

/// Little-endian bytes of Float values (naive reference encoder).
func leBytes(_ values: [Float]) -> [UInt8] {
  values.flatMap { v -> [UInt8] in
    let b = v.bitPattern
    return [UInt8(b & 0xFF), UInt8((b >> 8) & 0xFF), UInt8((b >> 16) & 0xFF), UInt8(b >> 24)]
  }
}

final class TensorFileRoundTripTests: XCTestCase {
  /// Seeded floats (xorshift), no Foundation randomness.
  private func seededFloats(_ n: Int, seed: UInt64) -> [Float] {
    var s = seed
    return (0..<n).map { _ in
      s ^= s << 13; s ^= s >> 7; s ^= s << 17
      return Float(Int64(bitPattern: s) % 1_000_000) / 1000
    }
  }

  func testRoundTripAllDTypesAndMetadata() throws {
    let w = seededFloats(12, seed: 42)
    var file = TensorFile()
    file.tensors["layer.weight"] = try Tensor(floats: w, shape: [3, 4])
    file.tensors["layer.bias"] = try Tensor(floats: [1, -2.5, 3e-8], shape: [3])
    file.tensors["scalar"] = try Tensor(floats: [7], shape: [])
    file.tensors["empty"] = try Tensor(floats: [], shape: [0, 5])
    file.tensors["d"] = try Tensor(doubles: [Double.pi, -1e300])
    file.tensors["i64"] = try Tensor(int64s: [Int64.min, -1, 0, Int64.max])
    file.tensors["i32"] = try Tensor(int32s: [Int32.min, 5], shape: [2, 1])
    file.metadata = ["format": "test", "unicode": "é \"quoted\" \n\u{1F600}"]
    let bytes = try file.serialized()
    let back = try TensorFile(bytes: bytes)
    XCTAssertEqual(back, file)
    XCTAssertEqual(try back.floats("layer.weight", shape: [3, 4]), w)
    XCTAssertEqual(try back.tensor("i64").int64Values(), [Int64.min, -1, 0, Int64.max])
    XCTAssertEqual(try back.tensor("i32").int64Values(), [Int64(Int32.min), 5])
    XCTAssertEqual(back.tensors["d"]?.doubleValues(), [Double.pi, -1e300])
    XCTAssertEqual(back.tensors["scalar"]?.elementCount, 1)
    XCTAssertEqual(back.tensors["empty"]?.elementCount, 0)
  }

  func testLayoutMatchesNaiveEncoding() throws {
    let values: [Float] = [1, 2, -0.5]
    let file = TensorFile(tensors: ["a": try Tensor(floats: values)], metadata: [:])
    let bytes = try file.serialized()
    var n: UInt64 = 0
    for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
    XCTAssertEqual(n % 8, 0, "header padded to 8 bytes")
    let header = String(decoding: bytes[8..<(8 + Int(n))], as: UTF8.self)
    XCTAssertEqual(header.trimmingCharacters(in: .whitespaces),
                   #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}"#)
    XCTAssertEqual(Array(bytes[(8 + Int(n))...]), leBytes(values))
  }

  func testTensorsStoredInSortedNameOrder() throws {
    let file = TensorFile(tensors: ["b": try Tensor(floats: [2]), "a": try Tensor(floats: [1])], metadata: [:])
    let bytes = try file.serialized()
    XCTAssertEqual(Array(bytes.suffix(8)), leBytes([1, 2]))
  }

  func testAtomicWriteAndRead() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tf-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("x.safetensors").path
    var file = TensorFile(tensors: ["w": try Tensor(floats: [1, 2, 3])], metadata: ["k": "v"])
    try file.write(to: path)
    file.tensors["w"] = try Tensor(floats: [4, 5])
    try file.write(to: path)  // overwrite
    XCTAssertEqual(try TensorFile.read(path: path), file)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path)
    XCTAssertEqual(leftovers, ["x.safetensors"], "no temporary file left behind")
  }

  func testWriteIntoMissingFolderThrowsIO() throws {
    let file = TensorFile(tensors: ["w": try Tensor(floats: [1])], metadata: [:])
    XCTAssertThrowsError(try file.write(to: "/nonexistent-helpprof-dir/x.safetensors")) { error in
      guard case TensorFileError.io = error else { return XCTFail("expected io, got \(error)") }
    }
  }

  func testReadMissingFileThrowsIO() {
    XCTAssertThrowsError(try TensorFile.read(path: "/nonexistent-helpprof-file.safetensors")) { error in
      guard case TensorFileError.io(let path, _) = error else { return XCTFail("expected io, got \(error)") }
      XCTAssertTrue(path.contains("nonexistent-helpprof-file"))
    }
  }

  func testChecksumSealAndVerify() throws {
    var file = TensorFile(tensors: ["a": try Tensor(floats: [1, 2]), "b": try Tensor(floats: [3])], metadata: [:])
    file.sealChecksum()
    let back = try TensorFile(bytes: try file.serialized())
    XCTAssertNoThrow(try back.verifyChecksum())
    // Naive reference: the domain tag, then per tensor "T" str(name) str(dtype) u64(ndim) u64(dims) u64(n) bytes.
    func u64(_ v: Int) -> [UInt8] { (0..<8).map { UInt8((v >> (8 * $0)) & 0xFF) } }
    func str(_ s: String) -> [UInt8] { u64(s.utf8.count) + Array(s.utf8) }
    let ref = SHA256.hex(Array("helpprof-checksum-2".utf8) + [0]
      + [0x54] + str("a") + str("F32") + u64(1) + u64(2) + u64(8) + leBytes([1, 2])
      + [0x54] + str("b") + str("F32") + u64(1) + u64(1) + u64(4) + leBytes([3]))
    XCTAssertEqual(back.metadata["checksum"], "sha256:" + ref)
    // Metadata is covered (issue 14 #2): with an entry "k" = "v", the stream ends "M" str("k") str("v").
    var withMeta = file
    withMeta.metadata["k"] = "v"
    withMeta.sealChecksum()
    XCTAssertEqual(withMeta.metadata["checksum"], "sha256:" + SHA256.hex(Array("helpprof-checksum-2".utf8) + [0]
      + [0x54] + str("a") + str("F32") + u64(1) + u64(2) + u64(8) + leBytes([1, 2])
      + [0x54] + str("b") + str("F32") + u64(1) + u64(1) + u64(4) + leBytes([3]) + [0x4D] + str("k") + str("v")))
    var flipped = withMeta
    flipped.metadata["k"] = "w"
    XCTAssertThrowsError(try flipped.verifyChecksum()) { error in
      guard case TensorFileError.checksumMismatch = error else { return XCTFail("got \(error)") }
    }
    var reshaped = withMeta
    reshaped.tensors["a"] = try Tensor(floats: [1, 2], shape: [2, 1])
    XCTAssertThrowsError(try reshaped.verifyChecksum(), "the shape is covered")
    var upper = withMeta
    upper.metadata["checksum"] = withMeta.metadata["checksum"]?.uppercased().replacingOccurrences(of: "SHA256:", with: "sha256:")
    XCTAssertThrowsError(try upper.verifyChecksum()) { error in
      guard case TensorFileError.badMetadataValue = error else { return XCTFail("got \(error)") }
    }
    var edited = back
    edited.tensors["b"] = try Tensor(floats: [3.0001])
    XCTAssertThrowsError(try edited.verifyChecksum()) { error in
      guard case TensorFileError.checksumMismatch = error else { return XCTFail("got \(error)") }
      XCTAssertTrue("\(error)".contains("checksum mismatch"))
    }
    var noSum = back
    noSum.metadata["checksum"] = nil
    XCTAssertThrowsError(try noSum.verifyChecksum()) { XCTAssertEqual($0 as? TensorFileError, .missingMetadata(key: "checksum")) }
    noSum.metadata["checksum"] = "md5:abc"
    XCTAssertThrowsError(try noSum.verifyChecksum()) { error in
      guard case TensorFileError.badMetadataValue = error else { return XCTFail("got \(error)") }
    }
  }

  func testSHA256KnownVectors() {
    XCTAssertEqual(SHA256.hex([UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    XCTAssertEqual(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                   "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    XCTAssertEqual(SHA256.hex([UInt8](repeating: 0x61, count: 1000)),
                   "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    // Incremental updates in awkward chunk sizes give the same digest (buffering across block edges).
    for chunk in [1, 7, 63, 64, 65, 130] {
      var h = SHA256()
      var left = 1000
      while left > 0 {
        let n = min(chunk, left)
        h.update([UInt8](repeating: 0x61, count: n))
        left -= n
      }
      XCTAssertEqual(h.hexDigest(), "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3", "chunk \(chunk)")
    }
    var lazy = SHA256()
    lazy.update("abc".utf8)  // a non-contiguous sequence
    XCTAssertEqual(lazy.hexDigest(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }

  func testHeaderJSONParsesEscapesAndNumbers() throws {
    let v = try HeaderJSON.parse(Array(#" {"a\u00e9\ud83d\ude00\n":[1,-2.5e3,true,false,null,"x\/y"]} "#.utf8))
    XCTAssertEqual(v, .object([("aé\u{1F600}\n", .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false),
                                                          .null, .string("x/y")]))]))
    XCTAssertEqual(HeaderJSON.number("12").nonNegativeInt, 12)
    XCTAssertNil(HeaderJSON.number("1.0").nonNegativeInt)
    XCTAssertNil(HeaderJSON.number("-1").nonNegativeInt)
    XCTAssertNil(HeaderJSON.number("99999999999999999999999").nonNegativeInt)
    // Serializer output re-parses to the same value.
    XCTAssertEqual(try HeaderJSON.parse(Array(v.serialized.utf8)), v)
  }

  func testHeaderJSONRejectsMalformed() {
    for bad in ["", "{", "{\"a\":}", "[1,]", "01", "1.", "\"\\x\"", "\"\\ud800\"", "tru", "{} x", "{\"a\" 1}",
                "\"a\u{01}\"", String(repeating: "[", count: 200) + String(repeating: "]", count: 200)] {
      XCTAssertThrowsError(try HeaderJSON.parse(Array(bad.utf8)), "should reject \(bad.prefix(20))") { error in
        guard case TensorFileError.headerNotJSON = error else { return XCTFail("got \(error)") }
      }
    }
  }
}

/// Pins the exact bytes of tools/tests/fixtures/crosscheck.safetensors: the Python tests
/// (tools/tests/test_safetensors_reader.py) parse that file with numpy alone and check the same values and the
/// same file SHA-256, so Swift writer and Python reader agree byte for byte.
final class TensorFileCrossCheckTests: XCTestCase {
  static let fileSHA256 = "d5c9896d5e6b5bd7b2e5bcaa87823937d48972c9658a9d04dc01bb936e9649c0"
  static let tensorChecksum = "sha256:53eda35dc325973897440c603a435f8e3429ba27e8684b3884da271a389cb6ec"

  func testCrossCheckFixtureBytes() throws {
    var f = TensorFile()
    f.tensors["layer.weight"] = try Tensor(floats: (0..<12).map { Float($0) * 0.25 - 1.5 }, shape: [3, 4])
    f.tensors["layer.bias"] = try Tensor(floats: [1, -2.5, 3e-8], shape: [3])
    f.tensors["scalar"] = try Tensor(floats: [7], shape: [])
    f.tensors["d"] = try Tensor(doubles: [Double.pi, -1e300])
    f.tensors["i64"] = try Tensor(int64s: [Int64.min, -1, 0, Int64.max])
    f.tensors["i32"] = try Tensor(int32s: [Int32.min, 5], shape: [2, 1])
    f.metadata = ["format": "helpprof-crosscheck", "format_version": "1", "note": "é \"q\""]
    f.sealChecksum()
    XCTAssertEqual(f.metadata["checksum"], Self.tensorChecksum)
    XCTAssertEqual(SHA256.hex(try f.serialized()), Self.fileSHA256)
    if let out = ProcessInfo.processInfo.environment["HELPPROF_WRITE_CROSSCHECK"] {
      try Data(try f.serialized()).write(to: URL(fileURLWithPath: out))
    }
  }
}
