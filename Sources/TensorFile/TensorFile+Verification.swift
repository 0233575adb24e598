/// Higher-level checks on a loaded `TensorFile`: the expected tensor set, format name/version, checksum.
extension TensorFile {
  /// Metadata key of the checksum.
  public static let checksumKey = "checksum"

  /// The tensor `name`, or `missingTensors([name])`; with `shape`, also checks the shape.
  public func tensor(_ name: String, shape: [Int]? = nil) throws -> Tensor {
    guard let t = tensors[name] else { throw TensorFileError.missingTensors([name]) }
    if let shape, t.shape != shape { throw TensorFileError.wrongShape(name: name, shape: t.shape, expected: shape) }
    return t
  }

  /// Values of F32 tensor `name` with the given shape.
  public func floats(_ name: String, shape: [Int]? = nil) throws -> [Float] {
    let t = try tensor(name, shape: shape)
    guard t.dtype == .f32 else { throw TensorFileError.wrongDType(name: name, dtype: t.dtype.rawValue, expected: "F32") }
    return t.floatValues()
  }

  /// Checks that the file holds exactly the `expected` tensors (name → shape; nil shape = any) of `dtype`:
  /// missing ones first, then unused ones, then shapes and dtypes.
  public func verifyLayout(_ expected: [String: [Int]?], dtype: TensorDType? = .f32) throws {
    let missing = expected.keys.filter { tensors[$0] == nil }.sorted()
    if !missing.isEmpty { throw TensorFileError.missingTensors(missing) }
    let unused = tensors.keys.filter { expected[$0] == nil }.sorted()
    if !unused.isEmpty { throw TensorFileError.unusedTensors(unused) }
    for name in expected.keys.sorted() {
      guard let t = tensors[name] else { continue }
      if let want = expected[name] ?? nil, t.shape != want {
        throw TensorFileError.wrongShape(name: name, shape: t.shape, expected: want)
      }
      if let dtype, t.dtype != dtype {
        throw TensorFileError.wrongDType(name: name, dtype: t.dtype.rawValue, expected: dtype.rawValue)
      }
    }
  }

  /// Checksum of the tensors: `"sha256:" + hex(SHA-256(for each tensor in sorted-name order:
  /// UTF-8 name, one 0x00 byte, raw little-endian data bytes))`. Metadata is not covered.
  public func checksum() -> String {
    var h = SHA256()
    for name in sortedNames {
      h.update(Array(name.utf8))
      h.update(CollectionOfOne(UInt8(0)))
      if let t = tensors[name] { h.update(t.bytes) }
    }
    return "sha256:" + h.hexDigest()
  }

  /// Stores `checksum()` in the metadata.
  public mutating func sealChecksum() {
    metadata[TensorFile.checksumKey] = checksum()
  }

  /// Verifies the stored checksum against the tensors.
  public func verifyChecksum() throws {
    guard let stored = metadata[TensorFile.checksumKey] else {
      throw TensorFileError.missingMetadata(key: TensorFile.checksumKey)
    }
    guard stored.hasPrefix("sha256:"), stored.count == 71 else {
      throw TensorFileError.badMetadataValue(key: TensorFile.checksumKey, value: stored,
                                             expected: "'sha256:' followed by 64 hex digits")
    }
    let computed = checksum()
    guard stored.lowercased() == computed else { throw TensorFileError.checksumMismatch(stored: stored, computed: computed) }
  }

  /// A required metadata value.
  public func requireMetadata(_ key: String) throws -> String {
    guard let v = metadata[key] else { throw TensorFileError.missingMetadata(key: key) }
    return v
  }

  /// Checks metadata `formatKey` equals `name` and integer `versionKey` is at most `supportedVersion`;
  /// returns the file's version.
  @discardableResult
  public func verifyFormat(name: String, supportedVersion: Int, formatKey: String = "format",
                           versionKey: String = "format_version") throws -> Int {
    let found = try requireMetadata(formatKey)
    guard found == name else { throw TensorFileError.formatMismatch(found: found, expected: name) }
    let text = try requireMetadata(versionKey)
    guard let v = Int(text), v >= 1 else {
      throw TensorFileError.badMetadataValue(key: versionKey, value: text, expected: "a positive integer")
    }
    guard v <= supportedVersion else { throw TensorFileError.newerFormatVersion(found: v, supported: supportedVersion) }
    return v
  }
}
