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

  /// Reads a safetensors file (verified by TensorFile: header, offsets, finite values).
  public static func read(path: String) throws -> StoredTensors {
    try StoredTensors(file: TensorFile.read(path: path), origin: path)
  }

  /// Parses safetensors bytes.
  public static func read(bytes: [UInt8], origin: String) throws -> StoredTensors {
    try StoredTensors(file: TensorFile(bytes: bytes), origin: origin)
  }

  private init(file: TensorFile, origin: String) throws {
    var t: [String: (shape: [Int], data: [Float])] = [:]
    for (name, v) in file.tensors {
      guard v.dtype == .f32 else { throw PredictorError("\(origin): tensor \(name) is \(v.dtype.rawValue), expected F32") }
      t[name] = (v.shape, v.floatValues())
    }
    tensors = t
    metadata = file.metadata
  }

  /// The safetensors bytes.
  public func serialized() throws -> [UInt8] {
    var f = TensorFile(metadata: metadata)
    for (name, v) in tensors { f.tensors[name] = try Tensor(floats: v.data, shape: v.shape) }
    return try f.serialized()
  }

  /// Writes atomically to `path`.
  public func write(to path: String) throws {
    try TensorFile.writeAtomically(serialized(), to: path)
  }
}
