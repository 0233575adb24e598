import XCTest
@testable import AutoDiff

/// Seeded uniform values in [lo, hi).
func seeded(_ n: Int, seed: UInt64, lo: Float = -1, hi: Float = 1) -> [Float] {
  var s = seed &+ 0x9E37_79B9_7F4A_7C15
  return (0..<n).map { _ in
    s = s &* 6364136223846793005 &+ 1442695040888963407
    return lo + (hi - lo) * Float(s >> 40) / Float(1 << 24)
  }
}

/// Checks the analytic gradient of `f` at `inputs` against central finite differences.
func checkGradient(_ name: String, shapes: [(Int, Int)], seed: UInt64 = 1, lo: Float = -1, hi: Float = 1,
                   eps: Float = 1e-2, tol: Float = 2e-2, leaves: Bool = false, file: StaticString = #filePath, line: UInt = #line,
                   _ f: ([Tensor]) -> Tensor) {
  let values = shapes.enumerated().map { k, s in seeded(s.0 * s.1, seed: seed &+ UInt64(k) &* 77, lo: lo, hi: hi) }
  let params = zip(shapes, values).map { s, v in Tensor(rows: s.0, cols: s.1, data: v, requiresGrad: true) }
  let grads = gradients(of: f(params), wrt: params, createGraph: false)
  for (k, s) in shapes.enumerated() {
    for i in 0..<(s.0 * s.1) {
      func eval(_ delta: Float) -> Double {
        let ps = shapes.enumerated().map { j, sj -> Tensor in
          var v = values[j]
          if j == k { v[i] += delta }
          return Tensor(rows: sj.0, cols: sj.1, data: v, requiresGrad: leaves)
        }
        return Double((leaves ? f(ps) : withoutRecording { f(ps) }).scalar)
      }
      let fd = Float((eval(eps) - eval(-eps)) / Double(2 * eps))
      let an = grads[k].data[i]
      XCTAssertEqual(an, fd, accuracy: tol * max(1, abs(fd)), "\(name): d/dx\(k)[\(i)]", file: file, line: line)
    }
  }
}

final class GradientCheckTests: XCTestCase {
  func testElementwiseOps() {
    checkGradient("add", shapes: [(2, 3), (2, 3)]) { p in sum((p[0] + p[1]) * p[0]) }
    checkGradient("sub", shapes: [(2, 3), (2, 3)]) { p in sum((p[0] - p[1]) * p[1]) }
    checkGradient("mul", shapes: [(3, 2), (3, 2)]) { p in sum(p[0] * p[1] * p[0]) }
    checkGradient("scale+affine", shapes: [(2, 2)]) { p in sum(affine(p[0] * 3, scale: 0.5, shift: 2) * p[0]) }
    checkGradient("exp", shapes: [(2, 3)]) { p in sum(exp(p[0])) }
    checkGradient("sigmoid", shapes: [(2, 3)]) { p in sum(sigmoid(p[0]) * p[0]) }
    checkGradient("softplus", shapes: [(2, 3)]) { p in sum(softplus(p[0] * 2)) }
    checkGradient("log", shapes: [(2, 3)], lo: 0.5, hi: 2) { p in sum(log(p[0]) * p[0]) }
    checkGradient("reciprocal", shapes: [(2, 2)], lo: 0.5, hi: 2) { p in sum(reciprocal(p[0])) }
    // relu away from the kink
    checkGradient("relu", shapes: [(3, 3)], eps: 1e-3) { p in sum(relu(p[0]) * p[0]) }
    checkGradient("mean+mse", shapes: [(4, 1), (4, 1)]) { p in mse(p[0], p[1]) + mean(p[0]) }
  }

  func testShapeOps() {
    checkGradient("broadcast", shapes: [(1, 3), (2, 1)]) { p in
      sum(broadcastRows(p[0], 2) * broadcastCols(p[1], 3) * broadcastRows(p[0], 2))
    }
    checkGradient("sums", shapes: [(3, 4)]) { p in sum(sumRows(p[0]) * sumRows(p[0])) + sum(sumCols(p[0]) * 2) }
    checkGradient("bias", shapes: [(3, 2), (1, 2)]) { p in sum(addBias(p[0], p[1]) * addBias(p[0], p[1])) }
    checkGradient("transpose", shapes: [(2, 3), (3, 2)]) { p in sum(transpose(p[0]) * p[1]) }
    checkGradient("slice/concat", shapes: [(2, 3), (2, 2)]) { p in
      let c = concatCols(p[0], p[1])
      return sum(sliceCols(c, 1, 3) * sliceCols(c, 2, 3)) + sum(padCols(p[1], 1, 4) * padCols(p[1], 2, 4))
    }
    checkGradient("select/scatter", shapes: [(4, 2)]) { p in
      let s = selectRows(p[0], [3, 1, 3])
      return sum(s * s) + sum(scatterRows(s, [0, 0, 2], 3) * scatterRows(s, [1, 0, 2], 3))
    }
  }

  func testMatmulAllTranspositions() {
    for ta in [false, true] {
      for tb in [false, true] {
        let sa = ta ? (3, 2) : (2, 3)
        let sb = tb ? (4, 3) : (3, 4)
        checkGradient("matmul \(ta) \(tb)", shapes: [sa, sb]) { p in
          let c = matmul(p[0], p[1], transA: ta, transB: tb)
          return sum(c * c)
        }
      }
    }
  }

  func testBlockMatmul() {
    let adj = BlockMatrices(size: 3, count: 2, values: seeded(18, seed: 9).map { $0 > 0 ? 1 : 0.5 })
    checkGradient("blockMatmul", shapes: [(6, 2)]) { p in
      let y = blockMatmul(adj, p[0])
      return sum(y * y)
    }
  }

  /// Second order: d/dx of <∇f(x), c> compared with finite differences of the first-order gradient.
  func testSecondOrderThroughGradientStep() {
    // f(w, x) = mean((relu(x·w1)·w2 - y)^2) with an inner step w' = w - a ⊙ ∇w f; outer loss f(w').
    let x = Tensor(rows: 5, cols: 3, data: seeded(15, seed: 3))
    let y = Tensor(rows: 5, cols: 1, data: seeded(5, seed: 4))
    func outer(_ p: [Tensor]) -> Tensor {
      let (w1, w2, alpha) = (p[0], p[1], p[2])
      func loss(_ a: Tensor, _ b: Tensor) -> Tensor { mse(matmul(sigmoid(matmul(x, a)), b), y) }
      let g = gradients(of: loss(w1, w2), wrt: [w1, w2], createGraph: true)
      let w1n = w1 - g[0] * broadcastRows(alpha, 3)
      let w2n = w2 - g[1] * 0.5
      return loss(w1n, w2n)
    }
    checkGradient("second order", shapes: [(3, 4), (4, 1), (1, 4)], eps: 1e-2, tol: 3e-2, leaves: true, outer)
  }

  func testFirstOrderTreatsGradientsAsConstants() {
    let w = Tensor(rows: 1, cols: 1, data: [2], requiresGrad: true)
    let g = gradients(of: sum(w * w * w), wrt: [w], createGraph: false)[0]  // 3w² = 12, constant
    XCTAssertFalse(g.requiresGrad)
    XCTAssertEqual(g.scalar, 12, accuracy: 1e-5)
    let g2 = gradients(of: sum(w * w * w), wrt: [w], createGraph: true)[0]
    XCTAssertTrue(g2.requiresGrad)
    XCTAssertEqual(gradients(of: g2, wrt: [w], createGraph: false)[0].scalar, 12, accuracy: 1e-5)  // 6w
  }
}
