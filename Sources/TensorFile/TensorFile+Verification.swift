/// Higher-level checks on a loaded `TensorFile`: the expected tensor set, format name/version, checksum
/// (over tensors and metadata).
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

  /// Checksum of the whole content: every tensor (name, dtype, shape, bytes) and every metadata entry except
  /// `checksum` itself, so that no bit that changes a prediction can change unnoticed:
  ///
  ///     "sha256:" + hex(SHA-256(
  ///        "helpprof-checksum-2" 0x00
  ///        for each tensor in sorted-name order:   "T" str(name) str(dtype) u64(ndim) u64(dim)… u64(nbytes) bytes
  ///        for each metadata key in sorted order: "M" str(key) str(value)      (key "checksum" skipped)))
  ///
  /// with `str(s)` = u64(UTF-8 byte count) + UTF-8 bytes and `u64` little-endian; sorted = by UTF-8 bytes
  /// (Python's `sorted()` on str gives the same order). tools/helpprof_predictor.py computes the same.
  public func checksum() -> String {
    var h = SHA256()
    func u64(_ v: Int) {
      let x = UInt64(v)
      h.update((0..<8).map { UInt8(truncatingIfNeeded: x >> (8 * UInt64($0))) })
    }
    func str(_ s: String) {
      let b = Array(s.utf8)
      u64(b.count)
      h.update(b)
    }
    h.update(Array(TensorFile.checksumDomain.utf8) + [0])
    for name in sortedNames {
      guard let t = tensors[name] else { continue }
      h.update(CollectionOfOne(UInt8(ascii: "T")))
      str(name)
      str(t.dtype.rawValue)
      u64(t.shape.count)
      for d in t.shape { u64(d) }
      u64(t.bytes.count)
      h.update(t.bytes)
    }
    let keys = metadata.keys.filter { $0 != TensorFile.checksumKey }
      .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    for k in keys {
      h.update(CollectionOfOne(UInt8(ascii: "M")))
      str(k)
      str(metadata[k] ?? "")
    }
    return "sha256:" + h.hexDigest()
  }

  /// The domain tag that starts the checksummed stream (names the checksum scheme; version 1 covered the
  /// tensors only).
  public static let checksumDomain = "helpprof-checksum-2"

  /// Stores `checksum()` in the metadata.
  public mutating func sealChecksum() {
    metadata[TensorFile.checksumKey] = checksum()
  }

  /// Verifies the stored checksum against the tensors and metadata.
  public func verifyChecksum() throws {
    guard let stored = metadata[TensorFile.checksumKey] else {
      throw TensorFileError.missingMetadata(key: TensorFile.checksumKey)
    }
    let hex = stored.utf8.dropFirst(7)
    guard stored.hasPrefix("sha256:"), hex.count == 64,
          hex.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
      throw TensorFileError.badMetadataValue(key: TensorFile.checksumKey, value: stored,
                                             expected: "'sha256:' followed by 64 lowercase hex digits")
    }
    let computed = checksum()
    guard stored == computed else { throw TensorFileError.checksumMismatch(stored: stored, computed: computed) }
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
    guard let v = StrictNumber.int(text), v >= 1 else {
      throw TensorFileError.badMetadataValue(key: versionKey, value: text, expected: "a positive integer")
    }
    guard v <= supportedVersion else { throw TensorFileError.newerFormatVersion(found: v, supported: supportedVersion) }
    return v
  }
}
