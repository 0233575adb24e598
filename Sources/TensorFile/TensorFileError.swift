/// Everything that can be wrong with a safetensors file or its contents. Each description names the offending
/// value and what was expected, so a user can tell at a glance what to fix.
public enum TensorFileError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file could not be read or written.
  case io(path: String, reason: String)
  /// The file holds fewer than the 8 bytes of the header-length prefix.
  case fileTooShort(size: Int)
  /// The header length prefix claims more bytes than the file holds.
  case headerLengthTooLarge(length: UInt64, available: Int)
  /// The header is not valid UTF-8 JSON.
  case headerNotJSON(reason: String)
  /// The header is valid JSON but not an object.
  case headerNotObject(found: String)
  /// The same tensor name appears twice in the header.
  case duplicateName(String)
  /// A tensor name is empty or the reserved `__metadata__`.
  case invalidName(String)
  /// A header entry is malformed (missing or mistyped `dtype`, `shape`, `data_offsets`).
  case badEntry(name: String, reason: String)
  /// `__metadata__` is not an object of string values.
  case badMetadata(reason: String)
  /// A dtype this reader does not know.
  case unknownDType(name: String, dtype: String)
  /// Shape product × dtype size differs from the span of `data_offsets`.
  case sizeMismatch(name: String, shape: [Int], dtype: String, expectedBytes: Int, spanBytes: Int)
  /// `data_offsets` reach outside the data section (or begin > end).
  case offsetsOutOfRange(name: String, begin: Int, end: Int, dataLength: Int)
  /// Two tensors' byte ranges overlap.
  case offsetsOverlap(name: String, other: String)
  /// Bytes of the data section that no tensor covers.
  case dataNotCovered(begin: Int, end: Int)
  /// A NaN or infinite value.
  case nonFinite(name: String, index: Int, value: Double)
  /// An element count that does not match the shape when building a tensor.
  case elementCountMismatch(shape: [Int], expected: Int, got: Int)
  /// Tensors expected but absent.
  case missingTensors([String])
  /// Tensors present but not expected.
  case unusedTensors([String])
  /// A tensor with the wrong shape.
  case wrongShape(name: String, shape: [Int], expected: [Int])
  /// A tensor with the wrong dtype.
  case wrongDType(name: String, dtype: String, expected: String)
  /// A metadata key that must be present is absent.
  case missingMetadata(key: String)
  /// A metadata value that is present but unusable.
  case badMetadataValue(key: String, value: String, expected: String)
  /// The file is of another format (metadata `format`).
  case formatMismatch(found: String, expected: String)
  /// The file was written by a newer helpprof than this reader supports.
  case newerFormatVersion(found: Int, supported: Int)
  /// The stored checksum differs from the checksum of the tensors and metadata.
  case checksumMismatch(stored: String, computed: String)

  public var description: String {
    switch self {
    case .io(let path, let reason): return "cannot access \(path): \(reason)"
    case .fileTooShort(let size):
      return "file is \(size) bytes: expected at least 8 (the little-endian u64 header length of a safetensors file)"
    case .headerLengthTooLarge(let length, let available):
      return "header length \(length) is larger than the \(available) bytes after the 8-byte prefix"
    case .headerNotJSON(let reason): return "header is not valid JSON: \(reason)"
    case .headerNotObject(let found): return "header is a JSON \(found): expected an object {name: {dtype, shape, data_offsets}}"
    case .duplicateName(let name): return "tensor name '\(name)' appears twice in the header: expected unique names"
    case .invalidName(let name):
      return "tensor name '\(name)' is not allowed: expected a non-empty name other than '__metadata__'"
    case .badEntry(let name, let reason): return "tensor '\(name)': \(reason)"
    case .badMetadata(let reason): return "__metadata__ \(reason): expected an object of string values"
    case .unknownDType(let name, let dtype):
      return "tensor '\(name)' has dtype '\(dtype)': expected one of \(TensorDType.allCases.map(\.rawValue).joined(separator: ", "))"
    case .sizeMismatch(let name, let shape, let dtype, let expected, let span):
      return "tensor '\(name)' of shape \(shape) and dtype \(dtype) needs \(expected) bytes but data_offsets span \(span)"
    case .offsetsOutOfRange(let name, let begin, let end, let length):
      return "tensor '\(name)' data_offsets [\(begin), \(end)] out of range: expected 0 <= begin <= end <= \(length)"
    case .offsetsOverlap(let name, let other): return "tensor '\(name)' overlaps tensor '\(other)': expected disjoint byte ranges"
    case .dataNotCovered(let begin, let end):
      return "data bytes [\(begin), \(end)) belong to no tensor: expected tensors to cover the data section exactly"
    case .nonFinite(let name, let index, let value):
      return "tensor '\(name)' element \(index) is \(value): expected finite values"
    case .elementCountMismatch(let shape, let expected, let got):
      return "shape \(shape) needs \(expected) elements, got \(got)"
    case .missingTensors(let names): return "missing tensors: \(names.joined(separator: ", "))"
    case .unusedTensors(let names): return "unexpected tensors (not used by this model): \(names.joined(separator: ", "))"
    case .wrongShape(let name, let shape, let expected): return "tensor '\(name)' has shape \(shape): expected \(expected)"
    case .wrongDType(let name, let dtype, let expected): return "tensor '\(name)' has dtype \(dtype): expected \(expected)"
    case .missingMetadata(let key): return "metadata key '\(key)' is missing"
    case .badMetadataValue(let key, let value, let expected):
      return "metadata '\(key)' is '\(value.prefix(200))': expected \(expected)"
    case .formatMismatch(let found, let expected): return "file format is '\(found)': expected '\(expected)'"
    case .newerFormatVersion(let found, let supported):
      return "format version \(found) is newer than this helpprof supports (\(supported)): upgrade helpprof"
    case .checksumMismatch(let stored, let computed):
      return "checksum mismatch: file says \(stored), its tensors and metadata hash to \(computed) (file corrupted or edited)"
    }
  }
}
