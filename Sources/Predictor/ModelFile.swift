// The only file that touches TensorFile (whose `Tensor` type would clash with AutoDiff's).
import Foundation
import TensorFile

/// Float tensors + string metadata, the content of a safetensors predictor file.
public struct StoredTensors: Sendable {
  /// name → (shape, row-major float32 values).
  public var tensors: [String: (shape: [Int], data: [Float])]
  /// `__metadata__` entries.
  public var metadata: [String: String]

  public init(tensors: [String: (shape: [Int], data: [Float])], metadata: [String: String]) {
    self.tensors = tensors
    self.metadata = metadata
  }

  /// Reads a safetensors file, verified by TensorFile (header, offsets, finite values) and by its checksum over
  /// tensors and metadata (`TensorFile.checksum`). A file that cannot be read throws `TensorFileError.io`
  /// (a run-time failure); every malformed, corrupted or unsealed file throws `PredictorError` (malformed data).
  public static func read(path: String) throws -> StoredTensors {
    let file: TensorFile
    do {
      file = try TensorFile.read(path: path)
    } catch let e as TensorFileError {
      if case .io = e { throw e }
      throw PredictorError("\(path): \(e.description)")
    }
    return try StoredTensors(file: file, origin: path)
  }

  /// Parses safetensors bytes (verified like `read(path:)`).
  public static func read(bytes: [UInt8], origin: String) throws -> StoredTensors {
    let file: TensorFile
    do { file = try TensorFile(bytes: bytes) } catch let e as TensorFileError {
      throw PredictorError("\(origin): \(e.description)")
    }
    return try StoredTensors(file: file, origin: origin)
  }

  private init(file: TensorFile, origin: String) throws {
    do {
      try file.verifyChecksum()
    } catch TensorFileError.missingMetadata(let key) {
      throw PredictorError("\(origin): metadata key '\(key)' is missing (files written before checksums covered "
                           + "the metadata are no longer read: write it again with this helpprof, or re-seal a file "
                           + "you trust with tools/reseal_model.py)")
    } catch let e as TensorFileError {
      throw PredictorError("\(origin): \(e.description)")
    }
    var t: [String: (shape: [Int], data: [Float])] = [:]
    for (name, v) in file.tensors {
      guard v.dtype == .f32 else { throw PredictorError("\(origin): tensor \(name) is \(v.dtype.rawValue), expected F32") }
      t[name] = (v.shape, v.floatValues())
    }
    tensors = t
    metadata = file.metadata
  }

  /// The safetensors bytes, sealed with the checksum over tensors and metadata (any `checksum` in `metadata`
  /// is replaced).
  public func serialized() throws -> [UInt8] {
    var f = TensorFile(metadata: metadata)
    for (name, v) in tensors { f.tensors[name] = try Tensor(floats: v.data, shape: v.shape) }
    f.sealChecksum()
    return try f.serialized()
  }

  /// Checks that the tensors are exactly `expected` (name → shape): none missing, none extra, every declared
  /// shape equal (not merely the same element count). `origin` names the file in errors.
  public func verifyLayout(_ expected: [String: [Int]], origin: String) throws {
    let missing = expected.keys.filter { tensors[$0] == nil }.sorted()
    if !missing.isEmpty { throw PredictorError("\(origin): missing tensors: \(missing.joined(separator: ", "))") }
    let extra = tensors.keys.filter { expected[$0] == nil }.sorted()
    if !extra.isEmpty {
      throw PredictorError("\(origin): unexpected tensors (not used by this model): \(extra.prefix(8).joined(separator: ", "))")
    }
    for name in expected.keys.sorted() {
      guard let have = tensors[name]?.shape, let want = expected[name], have != want else { continue }
      throw PredictorError("\(origin): tensor '\(name)' has shape \(have): expected \(want)")
    }
  }

  /// Largest |value| a stored weight may have: trained HELP predictors stay below 10; a value beyond this is a
  /// corrupted or hostile file whose predictions would overflow or saturate to a constant.
  public static let maxAbsWeight: Float = 1e4

  /// Checks every tensor value is at most `maxAbsWeight` in magnitude.
  public func verifyMagnitudes(origin: String) throws {
    for name in tensors.keys.sorted() {
      guard let v = tensors[name], let i = v.data.firstIndex(where: { !(abs($0) <= StoredTensors.maxAbsWeight) }) else { continue }
      throw PredictorError("\(origin): tensor '\(name)' element \(i) is \(v.data[i]): expected |value| <= \(StoredTensors.maxAbsWeight)")
    }
  }

  /// Writes atomically to `path`.
  public func write(to path: String) throws {
    try TensorFile.writeAtomically(serialized(), to: path)
  }
}
