// Elementwise, broadcasting, reduction and slicing operations with their backward rules.
// Every backward rule is written with differentiable operations (see Tensor.swift).

@inline(__always)
func mapValues(_ a: Tensor, _ f: (Float) -> Float) -> [Float] {
  [Float](unsafeUninitializedCapacity: a.count) { out, n in
    a.data.withUnsafeBufferPointer { p in for i in 0..<p.count { out[i] = f(p[i]) } }
    n = a.count
  }
}

@inline(__always)
func zipValues(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> [Float] {
  precondition(a.rows == b.rows && a.cols == b.cols, "shape mismatch \(a.rows)x\(a.cols) vs \(b.rows)x\(b.cols)")
  return [Float](unsafeUninitializedCapacity: a.count) { out, n in
    a.data.withUnsafeBufferPointer { p in
      b.data.withUnsafeBufferPointer { q in for i in 0..<p.count { out[i] = f(p[i], q[i]) } }
    }
    n = a.count
  }
}

/// Elementwise sum.
public func + (a: Tensor, b: Tensor) -> Tensor {
  Tensor(rows: a.rows, cols: a.cols, data: zipValues(a, b, +), parents: [a, b]) { _, g, _ in [g, g] }
}

/// Elementwise difference.
public func - (a: Tensor, b: Tensor) -> Tensor {
  Tensor(rows: a.rows, cols: a.cols, data: zipValues(a, b, -), parents: [a, b]) { _, g, _ in [g, g * -1] }
}

/// Elementwise product.
public func * (a: Tensor, b: Tensor) -> Tensor {
  Tensor(rows: a.rows, cols: a.cols, data: zipValues(a, b, *), parents: [a, b]) { _, g, w in
    [w[0] ? g * b : nil, w[1] ? g * a : nil]
  }
}

/// Multiplication by a constant scalar.
public func * (a: Tensor, s: Float) -> Tensor {
  Tensor(rows: a.rows, cols: a.cols, data: mapValues(a) { $0 * s }, parents: [a]) { _, g, _ in [g * s] }
}

/// `a * s + t` elementwise with constant scalars.
public func affine(_ a: Tensor, scale s: Float, shift t: Float) -> Tensor {
  Tensor(rows: a.rows, cols: a.cols, data: mapValues(a) { $0 * s + t }, parents: [a]) { _, g, _ in [g * s] }
}

/// Elementwise product with a constant mask (no gradient into the mask).
public func maskMul(_ a: Tensor, _ mask: [Float]) -> Tensor {
  precondition(mask.count == a.count, "maskMul: mask count \(mask.count) != \(a.count)")
  let out = [Float](unsafeUninitializedCapacity: a.count) { o, n in
    for i in 0..<a.count { o[i] = a.data[i] * mask[i] }
    n = a.count
  }
  return Tensor(rows: a.rows, cols: a.cols, data: out, parents: [a]) { _, g, _ in [maskMul(g, mask)] }
}

/// max(x, 0). Its second derivative is zero almost everywhere, so the backward is a constant mask.
public func relu(_ a: Tensor) -> Tensor {
  let mask = mapValues(a) { $0 > 0 ? 1 : 0 }
  return Tensor(rows: a.rows, cols: a.cols, data: mapValues(a) { max($0, 0) }, parents: [a]) { _, g, _ in
    [maskMul(g, mask)]
  }
}

/// Elementwise exp.
public func exp(_ a: Tensor) -> Tensor {
  Tensor(rows: a.rows, cols: a.cols, data: mapValues(a) { Float(Foundation_exp(Double($0))) }, parents: [a]) {
    out, g, _ in [g * out]
  }
}

/// Logistic sigmoid 1 / (1 + e^-x).
public func sigmoid(_ a: Tensor) -> Tensor {
  Tensor(rows: a.rows, cols: a.cols, data: mapValues(a) { Float(1 / (1 + Foundation_exp(-Double($0)))) },
         parents: [a]) { out, g, _ in [g * (out * affine(out, scale: -1, shift: 1))] }
}

/// softplus(x) = log(1 + e^x) (numerically stable form).
public func softplus(_ a: Tensor) -> Tensor {
  let v = mapValues(a) { x in
    let d = Double(x)
    return Float(max(d, 0) + Foundation_log1p(Foundation_exp(-abs(d))))
  }
  return Tensor(rows: a.rows, cols: a.cols, data: v, parents: [a]) { _, g, _ in [g * sigmoid(a)] }
}

/// Elementwise natural logarithm (inputs must be positive).
public func log(_ a: Tensor) -> Tensor {
  Tensor(rows: a.rows, cols: a.cols, data: mapValues(a) { Float(Foundation_log(Double($0))) }, parents: [a]) {
    _, g, _ in [g * reciprocal(a)]
  }
}

/// Elementwise 1/x.
public func reciprocal(_ a: Tensor) -> Tensor {
  Tensor(rows: a.rows, cols: a.cols, data: mapValues(a) { 1 / $0 }, parents: [a]) { out, g, _ in
    [g * (out * out) * -1]
  }
}

/// Sum of all elements → 1×1.
public func sum(_ a: Tensor) -> Tensor {
  var s: Double = 0
  a.data.withUnsafeBufferPointer { p in for v in p { s += Double(v) } }
  return Tensor(rows: 1, cols: 1, data: [Float(s)], parents: [a]) { _, g, _ in
    [broadcastCols(broadcastRows(g, a.rows), a.cols)]
  }
}

/// Mean of all elements → 1×1.
public func mean(_ a: Tensor) -> Tensor { sum(a) * (1 / Float(max(a.count, 1))) }

/// Mean squared error between `pred` and `target` (same shape) → 1×1.
public func mse(_ pred: Tensor, _ target: Tensor) -> Tensor {
  let d = pred - target
  return mean(d * d)
}

/// Column sums: m×n → 1×n.
public func sumRows(_ a: Tensor) -> Tensor {
  var out = [Float](repeating: 0, count: a.cols)
  a.data.withUnsafeBufferPointer { p in
    for r in 0..<a.rows { for c in 0..<a.cols { out[c] += p[r &* a.cols &+ c] } }
  }
  return Tensor(rows: 1, cols: a.cols, data: out, parents: [a]) { _, g, _ in [broadcastRows(g, a.rows)] }
}

/// Row sums: m×n → m×1.
public func sumCols(_ a: Tensor) -> Tensor {
  var out = [Float](repeating: 0, count: a.rows)
  a.data.withUnsafeBufferPointer { p in
    for r in 0..<a.rows { var s: Float = 0; for c in 0..<a.cols { s += p[r &* a.cols &+ c] }; out[r] = s }
  }
  return Tensor(rows: a.rows, cols: 1, data: out, parents: [a]) { _, g, _ in [broadcastCols(g, a.cols)] }
}

/// Repeats a 1×n row `m` times → m×n.
public func broadcastRows(_ v: Tensor, _ m: Int) -> Tensor {
  precondition(v.rows == 1, "broadcastRows: expected 1 row, got \(v.rows)")
  var out = [Float](); out.reserveCapacity(m * v.cols)
  for _ in 0..<m { out.append(contentsOf: v.data) }
  return Tensor(rows: m, cols: v.cols, data: out, parents: [v]) { _, g, _ in [sumRows(g)] }
}

/// Repeats an m×1 column `n` times → m×n.
public func broadcastCols(_ v: Tensor, _ n: Int) -> Tensor {
  precondition(v.cols == 1, "broadcastCols: expected 1 column, got \(v.cols)")
  var out = [Float](); out.reserveCapacity(v.rows * n)
  for r in 0..<v.rows { out.append(contentsOf: repeatElement(v.data[r], count: n)) }
  return Tensor(rows: v.rows, cols: n, data: out, parents: [v]) { _, g, _ in [sumCols(g)] }
}

/// x + b with a 1×n bias row added to every row.
public func addBias(_ x: Tensor, _ b: Tensor) -> Tensor {
  precondition(b.rows == 1 && b.cols == x.cols, "addBias: bias \(b.rows)x\(b.cols) for \(x.rows)x\(x.cols)")
  var out = x.data
  out.withUnsafeMutableBufferPointer { o in
    b.data.withUnsafeBufferPointer { bp in
      for r in 0..<x.rows { for c in 0..<x.cols { o[r &* x.cols &+ c] += bp[c] } }
    }
  }
  return Tensor(rows: x.rows, cols: x.cols, data: out, parents: [x, b]) { _, g, w in [g, w[1] ? sumRows(g) : nil] }
}

/// Matrix transpose.
public func transpose(_ a: Tensor) -> Tensor {
  var out = [Float](repeating: 0, count: a.count)
  for r in 0..<a.rows { for c in 0..<a.cols { out[c * a.rows + r] = a.data[r * a.cols + c] } }
  return Tensor(rows: a.cols, cols: a.rows, data: out, parents: [a]) { _, g, _ in [transpose(g)] }
}

/// Columns [start, start+count) → rows×count.
public func sliceCols(_ a: Tensor, _ start: Int, _ count: Int) -> Tensor {
  precondition(start >= 0 && count >= 0 && start + count <= a.cols, "sliceCols: out of range")
  var out = [Float](); out.reserveCapacity(a.rows * count)
  for r in 0..<a.rows { out.append(contentsOf: a.data[(r * a.cols + start)..<(r * a.cols + start + count)]) }
  return Tensor(rows: a.rows, cols: count, data: out, parents: [a]) { _, g, _ in [padCols(g, start, a.cols)] }
}

/// Places `a` at column `start` of a zero matrix with `total` columns (the adjoint of `sliceCols`).
public func padCols(_ a: Tensor, _ start: Int, _ total: Int) -> Tensor {
  precondition(start >= 0 && start + a.cols <= total, "padCols: out of range")
  var out = [Float](repeating: 0, count: a.rows * total)
  for r in 0..<a.rows { for c in 0..<a.cols { out[r * total + start + c] = a.data[r * a.cols + c] } }
  return Tensor(rows: a.rows, cols: total, data: out, parents: [a]) { _, g, _ in [sliceCols(g, start, a.cols)] }
}

/// [a | b] side by side (same row count).
public func concatCols(_ a: Tensor, _ b: Tensor) -> Tensor {
  precondition(a.rows == b.rows, "concatCols: rows \(a.rows) vs \(b.rows)")
  let n = a.cols + b.cols
  var out = [Float](); out.reserveCapacity(a.rows * n)
  for r in 0..<a.rows {
    out.append(contentsOf: a.data[(r * a.cols)..<((r + 1) * a.cols)])
    out.append(contentsOf: b.data[(r * b.cols)..<((r + 1) * b.cols)])
  }
  return Tensor(rows: a.rows, cols: n, data: out, parents: [a, b]) { _, g, w in
    [w[0] ? sliceCols(g, 0, a.cols) : nil, w[1] ? sliceCols(g, a.cols, b.cols) : nil]
  }
}

/// Rows `indices` of `a`, in that order.
public func selectRows(_ a: Tensor, _ indices: [Int]) -> Tensor {
  var out = [Float](); out.reserveCapacity(indices.count * a.cols)
  for i in indices {
    precondition(i >= 0 && i < a.rows, "selectRows: row \(i) out of 0..<\(a.rows)")
    out.append(contentsOf: a.data[(i * a.cols)..<((i + 1) * a.cols)])
  }
  return Tensor(rows: indices.count, cols: a.cols, data: out, parents: [a]) { _, g, _ in
    [scatterRows(g, indices, a.rows)]
  }
}

/// Adds row k of `a` into row `indices[k]` of a zero matrix with `total` rows (the adjoint of `selectRows`).
public func scatterRows(_ a: Tensor, _ indices: [Int], _ total: Int) -> Tensor {
  var out = [Float](repeating: 0, count: total * a.cols)
  for (k, i) in indices.enumerated() { for c in 0..<a.cols { out[i * a.cols + c] += a.data[k * a.cols + c] } }
  return Tensor(rows: total, cols: a.cols, data: out, parents: [a]) { _, g, _ in [selectRows(g, indices)] }
}
