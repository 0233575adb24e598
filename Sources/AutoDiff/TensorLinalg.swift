import COpenBLAS

/// C = op(A)·op(B) with op = identity or transpose, through `cblas_sgemm`.
public func matmul(_ a: Tensor, _ b: Tensor, transA: Bool = false, transB: Bool = false) -> Tensor {
  let m = transA ? a.cols : a.rows
  let k = transA ? a.rows : a.cols
  let kb = transB ? b.cols : b.rows
  let n = transB ? b.rows : b.cols
  precondition(k == kb, "matmul: inner dimensions \(k) vs \(kb)")
  var out = [Float](repeating: 0, count: m * n)
  if m > 0 && n > 0 && k > 0 {
    a.data.withUnsafeBufferPointer { ap in
      b.data.withUnsafeBufferPointer { bp in
        out.withUnsafeMutableBufferPointer { cp in
          cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                      Int32(m), Int32(n), Int32(k), 1, ap.baseAddress, Int32(a.cols), bp.baseAddress,
                      Int32(b.cols), 0, cp.baseAddress, Int32(n))
        }
      }
    }
  }
  return Tensor(rows: m, cols: n, data: out, parents: [a, b]) { _, g, w in
    let ga = !w[0] ? nil : transA ? matmul(b, g, transA: transB, transB: true) : matmul(g, b, transA: false, transB: !transB)
    let gb = !w[1] ? nil : transB ? matmul(g, a, transA: true, transB: transA) : matmul(a, g, transA: !transA, transB: false)
    return [ga, gb]
  }
}

/// A batch of constant square matrices (e.g. graph adjacencies), `count` blocks of `size × size`.
public struct BlockMatrices: Sendable {
  /// Block side length.
  public let size: Int
  /// Number of blocks.
  public let count: Int
  /// Row-major values, block after block.
  public let values: [Float]

  /// Creates the batch; `values.count` must be `count * size * size`.
  public init(size: Int, count: Int, values: [Float]) {
    precondition(values.count == size * size * count, "BlockMatrices: \(values.count) values for \(count) blocks")
    self.size = size
    self.count = count
    self.values = values
  }

  /// Each block transposed.
  public var transposed: BlockMatrices {
    var t = [Float](repeating: 0, count: values.count)
    let s2 = size * size
    for b in 0..<count { for i in 0..<size { for j in 0..<size { t[b * s2 + j * size + i] = values[b * s2 + i * size + j] } } }
    return BlockMatrices(size: size, count: count, values: t)
  }

  /// Rows of all blocks selected by `indices` (subset of the batch).
  public func subset(_ indices: [Int]) -> BlockMatrices {
    let s2 = size * size
    var v = [Float](); v.reserveCapacity(indices.count * s2)
    for i in indices { v.append(contentsOf: values[(i * s2)..<((i + 1) * s2)]) }
    return BlockMatrices(size: size, count: indices.count, values: v)
  }
}

/// Block-diagonal product: rows `[b*s, (b+1)*s)` of the result are `A_b · H_b`, where H is `(count*s) × F`.
/// This is one graph-convolution propagation step for a batch of graphs with `s` nodes each.
/// `adjT` (the transposed blocks) may be passed when already known, to avoid recomputing it.
public func blockMatmul(_ adj: BlockMatrices, _ h: Tensor, adjT: BlockMatrices? = nil) -> Tensor {
  let s = adj.size
  precondition(h.rows == adj.count * s, "blockMatmul: \(h.rows) rows for \(adj.count) blocks of \(s)")
  let f = h.cols
  var out = [Float](repeating: 0, count: h.count)
  adj.values.withUnsafeBufferPointer { ap in
    h.data.withUnsafeBufferPointer { hp in
      out.withUnsafeMutableBufferPointer { op in
        for b in 0..<adj.count {
          let base = b &* s
          for i in 0..<s {
            let orow = (base &+ i) &* f
            for j in 0..<s {
              let w = ap[b &* s &* s &+ i &* s &+ j]
              if w == 0 { continue }
              let hrow = (base &+ j) &* f
              for c in 0..<f { op[orow &+ c] += w * hp[hrow &+ c] }
            }
          }
        }
      }
    }
  }
  return Tensor(rows: h.rows, cols: f, data: out, parents: [h]) { _, g, _ in
    let t = adjT ?? adj.transposed
    return [blockMatmul(t, g, adjT: adj)]
  }
}
