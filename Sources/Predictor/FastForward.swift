import COpenBLAS
import SearchSpace

/// Inference-only forward pass of an adapted predictor, without graph bookkeeping. Same maths as
/// `PredictorNetwork.forward` (tested equal), reorganised for speed:
/// * NB201 layer 1: the one-hot input makes `X·W1` a sum of rows of W1 (gather);
/// * NB201 layer 4: only the global node is read out and its adjacency row is all ones, so
///   `H4[8] = relu((Σ_nodes H3)·W4 + b4)`;
/// * fc3: `[a, e]·W3 = a·W3[0..<h] + (e·W3[h..<2h] + b3)`, the second term is the same for every arch.
struct FastForward {
  let config: NetworkConfig
  let p: [[Float]]
  let hw: [Float]

  /// Row-major C = A·B (+ C when accumulate) for A m×k, B k×n.
  private func gemm(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                    _ m: Int, _ k: Int, _ n: Int, accumulate: Bool = false) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n),
                accumulate ? 1 : 0, c, Int32(n))
  }

  private func linear(_ x: [Float], _ w: [Float], _ b: [Float], _ k: Int, _ n: Int, relu: Bool) -> [Float] {
    var out = b
    for i in 0..<k where x[i] != 0 { for j in 0..<n { out[j] += x[i] * w[i * n + j] } }
    return relu ? out.map { max($0, 0) } : out
  }

  /// Normalised predictions for `archs` (all of the config's space; checked by the caller).
  func run(_ archs: [ArchKey]) throws -> [Float] {
    let h = config.hidden, h2 = 2 * h
    let k = config.space == .nb201 ? 8 : 4
    let e1 = linear(hw, p[k], p[k + 1], hw.count, h, relu: true)
    let e = linear(e1, p[k + 2], p[k + 3], h, h, relu: true)
    // Constant part of fc3: e·W3[h..<2h] + b3.
    let w3 = p[k + 4]
    var c3 = p[k + 5]
    for i in 0..<h where e[i] != 0 { for j in 0..<h2 { c3[j] += e[i] * w3[(h + i) * h2 + j] } }
    let b = archs.count
    var a = [Float](repeating: 0, count: b * h)
    if config.space == .nb201 { try gcn(archs, into: &a) } else { try mlp(archs, into: &a) }
    var h3 = [Float](repeating: 0, count: b * h2)
    var h4 = [Float](repeating: 0, count: b * h2)
    var out = [Float](repeating: 0, count: b)
    for r in 0..<b { for j in 0..<h2 { h3[r * h2 + j] = c3[j] } }
    a.withUnsafeBufferPointer { ap in w3.withUnsafeBufferPointer { wp in h3.withUnsafeMutableBufferPointer { cp in
      gemm(ap.baseAddress!, wp.baseAddress!, cp.baseAddress!, b, h, h2, accumulate: true)
    } } }
    for i in h3.indices where h3[i] < 0 { h3[i] = 0 }
    let b4 = p[k + 7]
    for r in 0..<b { for j in 0..<h2 { h4[r * h2 + j] = b4[j] } }
    h3.withUnsafeBufferPointer { ap in p[k + 6].withUnsafeBufferPointer { wp in h4.withUnsafeMutableBufferPointer { cp in
      gemm(ap.baseAddress!, wp.baseAddress!, cp.baseAddress!, b, h2, h2, accumulate: true)
    } } }
    let w5 = p[k + 8], b5 = p[k + 9][0]
    h4.withUnsafeBufferPointer { hp in
      for r in 0..<b {
        var s = b5
        for j in 0..<h2 { s += max(hp[r &* h2 &+ j], 0) * w5[j] }
        out[r] = s
      }
    }
    return out
  }

  private func mlp(_ archs: [ArchKey], into a: inout [Float]) throws {
    let x = try ArchEncoder(space: .ofa, liveFeature: false).encode(archs).features.data
    let h = config.hidden, f = config.inputFeatures, b = archs.count
    var t = [Float](repeating: 0, count: b * h)
    for r in 0..<b { for j in 0..<h { t[r * h + j] = p[1][j]; a[r * h + j] = p[3][j] } }
    x.withUnsafeBufferPointer { xp in p[0].withUnsafeBufferPointer { wp in t.withUnsafeMutableBufferPointer { tp in
      gemm(xp.baseAddress!, wp.baseAddress!, tp.baseAddress!, b, f, h, accumulate: true)
    } } }
    for i in t.indices where t[i] < 0 { t[i] = 0 }
    t.withUnsafeBufferPointer { tp in p[2].withUnsafeBufferPointer { wp in a.withUnsafeMutableBufferPointer { ap in
      gemm(tp.baseAddress!, wp.baseAddress!, ap.baseAddress!, b, h, h, accumulate: true)
    } } }
    for i in a.indices where a[i] < 0 { a[i] = 0 }
  }

  /// Predecessor lists (with self) of the 9 NB201 nodes, from `ArchEncoder.adjacency`.
  static let predecessors: [[Int]] = (0..<9).map { i in (0..<9).filter { ArchEncoder.adjacency[i * 9 + $0] == 1 } }

  /// Ancestor closure (with self) of each node: a node's value at any layer depends only on these nodes' inputs.
  static let closures: [[Int]] = (0..<9).map { i in
    var seen: Set<Int> = [i]
    var stack = [i]
    while let v = stack.popLast() { for q in predecessors[v] where seen.insert(q).inserted { stack.append(q) } }
    return seen.sorted()
  }

  /// GCN with row de-duplication: node i of two cells has the same value at every layer when the input codes
  /// of its ancestor closure agree (e.g. the input node, or edge nodes leaving it), so each distinct
  /// (node, closure codes) row is computed once.
  private func gcn(_ archs: [ArchKey], into a: inout [Float]) throws {
    let h = config.hidden, f = config.inputFeatures, b = archs.count, n = 9
    let pred = Self.predecessors, clos = Self.closures
    var rowOf: [UInt64: Int32] = [:]
    var rowCode: [Int] = []          // slot * 2 + live flag of the row's node
    var rowPreds: [[Int32]] = []
    var archRows = [Int32](repeating: 0, count: b * n)
    rowOf.reserveCapacity(b * 4)
    for (g, arch) in archs.enumerated() {
      guard case .nb201(let cell) = arch else { throw PredictorError("architecture \(arch) is not an NB201 cell") }
      let live = cell.liveEdges, connected = cell.isOutputConnected
      var code = [Int](repeating: 0, count: n)
      code[0] = 0 * 2 + (connected && f == 9 ? 1 : 0)
      for e in 0..<6 { code[1 + e] = ArchEncoder.opSlot[cell.ops[e].rawValue] * 2 + (live[e] && f == 9 ? 1 : 0) }
      code[7] = 6 * 2 + (connected && f == 9 ? 1 : 0)
      code[8] = 7 * 2
      for i in 0..<n {   // predecessors have smaller closures, and nodes are visited in topological order
        var key = UInt64(i)
        for q in clos[i] { key = key << 5 | UInt64(code[q]) }
        if let r = rowOf[key] { archRows[g * n + i] = r; continue }
        let r = Int32(rowCode.count)
        rowOf[key] = r
        rowCode.append(code[i])
        rowPreds.append(pred[i].map { $0 == i ? r : archRows[g * n + $0] })
        archRows[g * n + i] = r
      }
    }
    let u = rowCode.count
    // Layer 1 by gather.
    var hcur = [Float](repeating: 0, count: u * h)
    let w1 = p[0], b1 = p[1]
    var proj = [Float](repeating: 0, count: u * h)
    for r in 0..<u {
      let slot = rowCode[r] / 2, flag = rowCode[r] % 2
      for j in 0..<h { proj[r * h + j] = w1[slot * h + j] + (flag == 1 ? w1[8 * h + j] : 0) }
    }
    func aggregate(_ m: [Float], _ bias: [Float], into out: inout [Float]) {
      m.withUnsafeBufferPointer { mp in
        out.withUnsafeMutableBufferPointer { hp in
          for r in 0..<u {
            let o = r &* h
            for j in 0..<h { hp[o &+ j] = bias[j] }
            for q in rowPreds[r] {
              let src = Int(q) &* h
              for j in 0..<h { hp[o &+ j] += mp[src &+ j] }
            }
            for j in 0..<h where hp[o &+ j] < 0 { hp[o &+ j] = 0 }
          }
        }
      }
    }
    aggregate(proj, b1, into: &hcur)
    // Layers 2 and 3: dense on the distinct rows.
    var m = [Float](repeating: 0, count: u * h)
    for l in 1...2 {
      hcur.withUnsafeBufferPointer { xp in p[2 * l].withUnsafeBufferPointer { wp in m.withUnsafeMutableBufferPointer { mp in
        gemm(xp.baseAddress!, wp.baseAddress!, mp.baseAddress!, u, h, h)
      } } }
      aggregate(m, p[2 * l + 1], into: &hcur)
    }
    // Layer 4, global node only: relu((Σ_nodes H3)·W4 + b4).
    var s = [Float](repeating: 0, count: b * h)
    hcur.withUnsafeBufferPointer { hp in
      for g in 0..<b { for i in 0..<n { let src = Int(archRows[g * n + i]) * h; for j in 0..<h { s[g * h + j] += hp[src + j] } } }
    }
    for g in 0..<b { for j in 0..<h { a[g * h + j] = p[7][j] } }
    s.withUnsafeBufferPointer { sp in p[6].withUnsafeBufferPointer { wp in a.withUnsafeMutableBufferPointer { ap in
      gemm(sp.baseAddress!, wp.baseAddress!, ap.baseAddress!, b, h, h, accumulate: true)
    } } }
    for i in a.indices where a[i] < 0 { a[i] = 0 }
  }
}
