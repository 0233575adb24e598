/// Element types a safetensors file may hold that helpprof reads. F32 is what helpprof writes.
public enum TensorDType: String, CaseIterable, Sendable, Codable {
  case f32 = "F32"
  case f64 = "F64"
  case i32 = "I32"
  case i64 = "I64"

  /// Bytes per element.
  public var byteSize: Int {
    switch self {
    case .f32, .i32: return 4
    case .f64, .i64: return 8
    }
  }

  /// Whether values are floating point (and so checked for NaN/Inf).
  public var isFloatingPoint: Bool { self == .f32 || self == .f64 }
}

/// One tensor: dtype, shape and raw little-endian bytes (exactly shape product × dtype size of them).
public struct Tensor: Equatable, Sendable {
  public let dtype: TensorDType
  public let shape: [Int]
  /// Raw little-endian element bytes.
  public let bytes: [UInt8]

  /// Number of elements: the shape product (1 for a scalar of shape []).
  public var elementCount: Int { bytes.count / dtype.byteSize }

  /// The element count of `shape`, or nil when a dimension is negative or the product overflows.
  public static func elementCount(of shape: [Int]) -> Int? {
    var n = 1
    for d in shape {
      guard d >= 0 else { return nil }
      let (p, overflow) = n.multipliedReportingOverflow(by: d)
      if overflow { return nil }
      n = p
    }
    return n
  }

  /// A tensor from raw bytes; the byte count must equal shape product × dtype size.
  public init(dtype: TensorDType, shape: [Int], bytes: [UInt8]) throws {
    guard let n = Tensor.elementCount(of: shape) else {
      throw TensorFileError.elementCountMismatch(shape: shape, expected: -1, got: bytes.count / dtype.byteSize)
    }
    let (need, overflow) = n.multipliedReportingOverflow(by: dtype.byteSize)
    guard !overflow, need == bytes.count else {
      throw TensorFileError.elementCountMismatch(shape: shape, expected: n, got: bytes.count / dtype.byteSize)
    }
    self.dtype = dtype
    self.shape = shape
    self.bytes = bytes
  }

  /// An F32 tensor; `values.count` must equal the shape product (default shape: 1-D).
  public init(floats values: [Float], shape: [Int]? = nil) throws {
    var b = [UInt8]()
    b.reserveCapacity(values.count * 4)
    for v in values { Tensor.appendLE(v.bitPattern, 4, to: &b) }
    try self.init(dtype: .f32, shape: shape ?? [values.count], bytes: b)
  }

  /// An F64 tensor.
  public init(doubles values: [Double], shape: [Int]? = nil) throws {
    var b = [UInt8]()
    b.reserveCapacity(values.count * 8)
    for v in values { Tensor.appendLE(v.bitPattern, 8, to: &b) }
    try self.init(dtype: .f64, shape: shape ?? [values.count], bytes: b)
  }

  /// An I64 tensor.
  public init(int64s values: [Int64], shape: [Int]? = nil) throws {
    var b = [UInt8]()
    b.reserveCapacity(values.count * 8)
    for v in values { Tensor.appendLE(UInt64(bitPattern: v), 8, to: &b) }
    try self.init(dtype: .i64, shape: shape ?? [values.count], bytes: b)
  }

  /// An I32 tensor.
  public init(int32s values: [Int32], shape: [Int]? = nil) throws {
    var b = [UInt8]()
    b.reserveCapacity(values.count * 4)
    for v in values { Tensor.appendLE(UInt64(UInt32(bitPattern: v)), 4, to: &b) }
    try self.init(dtype: .i32, shape: shape ?? [values.count], bytes: b)
  }

  private static func appendLE<T: FixedWidthInteger>(_ v: T, _ n: Int, to b: inout [UInt8]) {
    for i in 0..<n { b.append(UInt8(truncatingIfNeeded: v >> (8 * i))) }
  }

  private func word(_ i: Int) -> UInt64 {
    let size = dtype.byteSize
    var v: UInt64 = 0
    for k in 0..<size { v |= UInt64(bytes[i * size + k]) << (8 * k) }
    return v
  }

  /// Values as Double, whatever the dtype (I64 beyond 2^53 loses precision).
  public func doubleValues() -> [Double] {
    (0..<elementCount).map { i in
      let w = word(i)
      switch dtype {
      case .f32: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: w)))
      case .f64: return Double(bitPattern: w)
      case .i32: return Double(Int32(bitPattern: UInt32(truncatingIfNeeded: w)))
      case .i64: return Double(Int64(bitPattern: w))
      }
    }
  }

  /// Values as Float (F32 exactly; other dtypes converted).
  public func floatValues() -> [Float] {
    if dtype == .f32 {
      let n = elementCount
      return bytes.withUnsafeBytes { raw in
        [Float](unsafeUninitializedCapacity: n) { out, count in
          for i in 0..<n {
            out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 &* i, as: UInt32.self)))
          }
          count = n
        }
      }
    }
    return doubleValues().map { Float($0) }
  }

  /// Values as Int64 (integer dtypes only).
  public func int64Values() throws -> [Int64] {
    switch dtype {
    case .i64: return (0..<elementCount).map { Int64(bitPattern: word($0)) }
    case .i32: return (0..<elementCount).map { Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: word($0)))) }
    case .f32, .f64: throw TensorFileError.wrongDType(name: "?", dtype: dtype.rawValue, expected: "I32 or I64")
    }
  }

  /// The index and value of the first NaN or infinite element, or nil (integer tensors: always nil).
  public func firstNonFinite() -> (index: Int, value: Double)? {
    guard dtype.isFloatingPoint else { return nil }
    for i in 0..<elementCount {
      let w = word(i)
      let v = dtype == .f32 ? Double(Float(bitPattern: UInt32(truncatingIfNeeded: w))) : Double(bitPattern: w)
      if !v.isFinite { return (i, v) }
    }
    return nil
  }
}
