// TensorFile: safetensors reading and writing with full verification.
import Foundation
#if canImport(SafeIO)
import SafeIO
#endif

/// A set of named tensors plus string metadata, stored in the safetensors layout:
///
///     [u64 little-endian header length N][N bytes of JSON header][data section]
///
/// The header is `{"__metadata__": {string: string}, name: {"dtype": "F32", "shape": [...],
/// "data_offsets": [begin, end]}, ...}` with offsets relative to the start of the data section. Files written
/// here load in the Python `safetensors` package and with numpy alone (see tools/helpprof_predictor.py).
///
/// Loading verifies everything and throws `TensorFileError` (never crashes): short file, header length larger
/// than the file, header not JSON or not an object, duplicate names, unknown dtype, shape/offset mismatch,
/// offsets out of range, overlapping or not covering the data section, and (optionally) NaN/Inf values.
/// Higher-level checks (expected tensor set, format name/version, checksum) are in TensorFile+Verification.swift.
public struct TensorFile: Equatable, Sendable {
  /// Tensors by name.
  public var tensors: [String: Tensor]
  /// The `__metadata__` string map.
  public var metadata: [String: String]

  /// Options for loading.
  public struct LoadOptions: Sendable {
    /// Reject NaN and ±Inf in floating-point tensors (default true).
    public var checkFinite: Bool
    public init(checkFinite: Bool = true) { self.checkFinite = checkFinite }
  }

  public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
    self.tensors = tensors
    self.metadata = metadata
  }

  /// Tensor names sorted by UTF-8 bytes (the order used for the data section and the checksum; Python's
  /// `sorted()` gives the same order).
  public var sortedNames: [String] {
    tensors.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
  }

  // MARK: Reading

  /// Reads and verifies the file at `path`.
  public static func read(path: String, options: LoadOptions = LoadOptions()) throws -> TensorFile {
    let bytes: [UInt8]
    do {
      bytes = try ReadFile.bytes(path)
    } catch let e as IOFailure {
      throw TensorFileError.io(path: path, reason: e.reason)
    }
    return try TensorFile(bytes: bytes, options: options)
  }

  /// Parses and verifies a complete safetensors file held in memory.
  public init(bytes: [UInt8], options: LoadOptions = LoadOptions()) throws {
    guard bytes.count >= 8 else { throw TensorFileError.fileTooShort(size: bytes.count) }
    var n: UInt64 = 0
    for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
    let available = bytes.count - 8
    guard n <= UInt64(available) else { throw TensorFileError.headerLengthTooLarge(length: n, available: available) }
    let headerEnd = 8 + Int(n)
    let header = try HeaderJSON.parse(Array(bytes[8..<headerEnd]))
    guard case .object(let pairs) = header else { throw TensorFileError.headerNotObject(found: header.kindName) }
    let dataLength = bytes.count - headerEnd

    var seen = Set<String>()
    var metadata: [String: String] = [:]
    var spans: [(name: String, begin: Int, end: Int, dtype: TensorDType, shape: [Int])] = []
    for (name, entry) in pairs {
      guard seen.insert(name).inserted else { throw TensorFileError.duplicateName(name) }
      if name == "__metadata__" {
        metadata = try TensorFile.parseMetadata(entry)
        continue
      }
      guard !name.isEmpty else { throw TensorFileError.invalidName(name) }
      let e = try TensorFile.parseEntry(name: name, entry)
      guard e.begin <= e.end, e.end <= dataLength else {
        throw TensorFileError.offsetsOutOfRange(name: name, begin: e.begin, end: e.end, dataLength: dataLength)
      }
      let span = e.end - e.begin
      let count = Tensor.elementCount(of: e.shape)
      let (need, overflow) = (count ?? 0).multipliedReportingOverflow(by: e.dtype.byteSize)
      guard count != nil, !overflow, need == span else {
        throw TensorFileError.sizeMismatch(name: name, shape: e.shape, dtype: e.dtype.rawValue,
                                           expectedBytes: overflow || count == nil ? -1 : need, spanBytes: span)
      }
      spans.append((name, e.begin, e.end, e.dtype, e.shape))
    }

    // Byte ranges must tile the data section: sorted by begin, no overlap, no gap, nothing left over.
    spans.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
    var cursor = 0
    var previous = ""
    for s in spans {
      if s.begin < cursor { throw TensorFileError.offsetsOverlap(name: s.name, other: previous) }
      if s.begin > cursor { throw TensorFileError.dataNotCovered(begin: cursor, end: s.begin) }
      cursor = s.end
      if s.end > s.begin { previous = s.name }
    }
    if cursor != dataLength { throw TensorFileError.dataNotCovered(begin: cursor, end: dataLength) }

    var tensors: [String: Tensor] = [:]
    for s in spans {
      let t = try Tensor(dtype: s.dtype, shape: s.shape, bytes: Array(bytes[(headerEnd + s.begin)..<(headerEnd + s.end)]))
      if options.checkFinite, let bad = t.firstNonFinite() {
        throw TensorFileError.nonFinite(name: s.name, index: bad.index, value: bad.value)
      }
      tensors[s.name] = t
    }
    self.init(tensors: tensors, metadata: metadata)
  }

  private static func parseMetadata(_ entry: HeaderJSON) throws -> [String: String] {
    guard case .object(let pairs) = entry else { throw TensorFileError.badMetadata(reason: "is a \(entry.kindName)") }
    var out: [String: String] = [:]
    for (k, v) in pairs {
      guard case .string(let s) = v else { throw TensorFileError.badMetadata(reason: "key '\(k)' is a \(v.kindName)") }
      guard out[k] == nil else { throw TensorFileError.badMetadata(reason: "repeats key '\(k)'") }
      out[k] = s
    }
    return out
  }

  private static func parseEntry(name: String, _ entry: HeaderJSON) throws
    -> (dtype: TensorDType, shape: [Int], begin: Int, end: Int)
  {
    guard case .object(let fields) = entry else {
      throw TensorFileError.badEntry(name: name, reason: "entry is a \(entry.kindName), expected an object")
    }
    var dtypeText: String?
    var shape: [Int]?
    var offsets: [Int]?
    for (key, value) in fields {
      switch key {
      case "dtype":
        guard dtypeText == nil, case .string(let s) = value else {
          throw TensorFileError.badEntry(name: name, reason: "'dtype' must appear once, as a string")
        }
        dtypeText = s
      case "shape":
        guard shape == nil, case .array(let items) = value else {
          throw TensorFileError.badEntry(name: name, reason: "'shape' must appear once, as an array")
        }
        let dims = items.compactMap(\.nonNegativeInt)
        guard dims.count == items.count else {
          throw TensorFileError.badEntry(name: name, reason: "'shape' \(value.serialized.prefix(80)) must hold non-negative integers")
        }
        shape = dims
      case "data_offsets":
        guard offsets == nil, case .array(let items) = value else {
          throw TensorFileError.badEntry(name: name, reason: "'data_offsets' must appear once, as an array")
        }
        let ints = items.compactMap(\.nonNegativeInt)
        guard ints.count == 2, items.count == 2 else {
          throw TensorFileError.badEntry(
            name: name, reason: "'data_offsets' \(value.serialized.prefix(80)) must be [begin, end] of non-negative integers")
        }
        offsets = ints
      default:
        throw TensorFileError.badEntry(name: name, reason: "unexpected key '\(key.prefix(80))' (expected dtype, shape, data_offsets)")
      }
    }
    guard let d = dtypeText else { throw TensorFileError.badEntry(name: name, reason: "missing 'dtype'") }
    guard let s = shape else { throw TensorFileError.badEntry(name: name, reason: "missing 'shape'") }
    guard let o = offsets else { throw TensorFileError.badEntry(name: name, reason: "missing 'data_offsets'") }
    guard let dtype = TensorDType(rawValue: d) else { throw TensorFileError.unknownDType(name: name, dtype: d) }
    return (dtype, s, o[0], o[1])
  }

  // MARK: Writing

  /// The complete file bytes: header padded with spaces to a multiple of 8 bytes (as the `safetensors` package
  /// does), tensors in sorted-name order.
  public func serialized() throws -> [UInt8] {
    var entries: [(String, HeaderJSON)] = []
    if !metadata.isEmpty {
      let keys = metadata.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
      entries.append(("__metadata__", .object(keys.map { ($0, .string(metadata[$0] ?? "")) })))
    }
    var offset = 0
    var data: [UInt8] = []
    for name in sortedNames {
      guard !name.isEmpty, name != "__metadata__", let t = tensors[name] else { throw TensorFileError.invalidName(name) }
      let begin = offset
      offset += t.bytes.count
      data.append(contentsOf: t.bytes)
      entries.append((name, .object([
        ("dtype", .string(t.dtype.rawValue)),
        ("shape", .array(t.shape.map { .number(String($0)) })),
        ("data_offsets", .array([.number(String(begin)), .number(String(offset))])),
      ])))
    }
    var header = Array(HeaderJSON.object(entries).serialized.utf8)
    while header.count % 8 != 0 { header.append(0x20) }
    var out: [UInt8] = []
    out.reserveCapacity(8 + header.count + data.count)
    let n = UInt64(header.count)
    for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(i)))) }
    out.append(contentsOf: header)
    out.append(contentsOf: data)
    return out
  }

  /// Writes the file atomically: a temporary file in the same folder, flushed, then renamed over `path`.
  /// A reader never sees a half-written file; on failure the temporary file is removed.
  public func write(to path: String) throws {
    let bytes = try serialized()
    try TensorFile.writeAtomically(bytes, to: path)
  }

  /// Atomic write of raw bytes (SafeIO's `AtomicFile`: exclusive random temp file, fsync, rename).
  public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    do {
      try AtomicFile.write(bytes, to: path)
    } catch let e as IOFailure {
      throw TensorFileError.io(path: path, reason: e.reason)
    }
  }
}
