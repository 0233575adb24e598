import XCTest
@testable import AutoDiff

final class ReferenceOpsTests: XCTestCase {
  func testMatmulMatchesNaive() {
    let a = Tensor(rows: 7, cols: 5, data: seeded(35, seed: 11))
    let b = Tensor(rows: 5, cols: 6, data: seeded(30, seed: 12))
    let c = matmul(a, b)
    for i in 0..<7 {
      for j in 0..<6 {
        var s: Float = 0
        for k in 0..<5 { s += a.data[i * 5 + k] * b.data[k * 6 + j] }
        XCTAssertEqual(c.data[i * 6 + j], s, accuracy: 1e-5)
      }
    }
    let ct = matmul(b, a, transA: true, transB: true)  // Bᵀ·Aᵀ = (A·B)ᵀ
    for i in 0..<7 { for j in 0..<6 { XCTAssertEqual(ct.data[j * 7 + i], c.data[i * 6 + j], accuracy: 1e-5) } }
  }

  func testBlockMatmulMatchesNaive() {
    let adj = BlockMatrices(size: 4, count: 3, values: seeded(48, seed: 5))
    let h = Tensor(rows: 12, cols: 2, data: seeded(24, seed: 6))
    let y = blockMatmul(adj, h)
    for b in 0..<3 {
      for i in 0..<4 {
        for c in 0..<2 {
          var s: Float = 0
          for j in 0..<4 { s += adj.values[b * 16 + i * 4 + j] * h.data[(b * 4 + j) * 2 + c] }
          XCTAssertEqual(y.data[(b * 4 + i) * 2 + c], s, accuracy: 1e-5)
        }
      }
    }
  }

  func testAdamMatchesReferenceStep() {
    let p = Tensor(rows: 1, cols: 2, data: [1, -1], requiresGrad: true)
    let opt = Adam(parameters: [p], learningRate: 0.1)
    opt.update(gradients: [Tensor(rows: 1, cols: 2, data: [0.5, -2])])
    // First Adam step moves each parameter by lr·sign(g) (bias-corrected m/√v = g/|g|).
    XCTAssertEqual(p.data[0], 0.9, accuracy: 1e-5)
    XCTAssertEqual(p.data[1], -0.9, accuracy: 1e-5)
  }

  func testSoftplusMatchesFormula() {
    let x = Tensor(rows: 1, cols: 4, data: [-30, -1, 0, 25])
    let y = softplus(x)
    for (xi, yi) in zip(x.data, y.data) {
      XCTAssertEqual(Double(yi), Foundation_log1p(Foundation_exp(Double(xi))), accuracy: 1e-5)
    }
  }
}
