import AutoDiff
import SearchSpace
import XCTest
@testable import Predictor

final class EncodingAndNetworkTests: XCTestCase {
  /// NB201 arch 0 as printed in HayeonLee/HELP issue #2: one-hot slots 0,1,2,5,2,5,5,6,7.
  func testHELPOneHotOfArchZero() throws {
    let cell = try NB201Cell(archString: "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|")
    let x = try ArchEncoder(space: .nb201, liveFeature: false).encode([.nb201(cell)])
    XCTAssertEqual(x.features.rows, 9)
    XCTAssertEqual(x.features.cols, 8)
    let slots = (0..<9).map { r in (0..<8).first { x.features.data[r * 8 + $0] == 1 } ?? -1 }
    XCTAssertEqual(slots, [0, 1, 2, 5, 2, 5, 5, 6, 7])
    XCTAssertEqual(x.features.data.reduce(0, +), 9)
  }

  func testAdjacencyIsHELPLineGraph() {
    let a = ArchEncoder.adjacency
    // Row i lists predecessors of i plus itself; the global row (8) is all ones.
    let expectedPred: [[Int]] = [[0], [0, 1], [0, 2], [1, 3], [0, 4], [1, 5], [2, 3, 6], [4, 5, 6, 7], Array(0...8)]
    for i in 0..<9 {
      let row = (0..<9).filter { a[i * 9 + $0] == 1 }
      XCTAssertEqual(row, expectedPred[i], "row \(i)")
    }
  }

  func testLiveFeatureMarksPrunedEdges() throws {
    // Nodes 1 and 2 reach the output only through 'none' edges, so edges 1←0 and 2←1 are dead; 3←0 is live.
    let cell = try XCTUnwrap(NB201Cell(codes: [3, 0, 3, 3, 0, 0]))
    let x = try ArchEncoder(space: .nb201, liveFeature: true).encode([.nb201(cell)])
    let live = (0..<9).map { x.features.data[$0 * 9 + 8] }
    XCTAssertEqual(live, [1, 0, 0, 0, 1, 0, 0, 1, 0])
  }

  /// The batched GCN forward equals a naive per-graph implementation.
  func testForwardMatchesNaiveGCN() throws {
    let config = NetworkConfig(space: .nb201, liveFeature: true, hwDim: 10, zModulator: false)
    let net = PredictorNetwork(config: config)
    let (p, _) = net.initialParameters(seed: 5)
    let cells = [NB201Cell(codes: [1, 2, 3, 4, 0, 1]), NB201Cell(codes: [3, 3, 3, 3, 3, 3])].compactMap { $0 }
    let enc = ArchEncoder(space: .nb201, liveFeature: true)
    let x = try enc.encode(cells.map { .nb201($0) })
    let hwv: [Float] = (0..<10).map { Float($0) / 10 - 0.4 }
    let y = withoutRecording { net.forward(p, x, hw: Tensor(rows: 1, cols: 10, data: hwv)) }
    func lin(_ v: [Float], _ w: Tensor, _ b: Tensor, relu: Bool) -> [Float] {
      (0..<w.cols).map { j in
        var s = b.data[j]
        for i in 0..<w.rows { s += v[i] * w.data[i * w.cols + j] }
        return relu ? max(s, 0) : s
      }
    }
    for g in 0..<cells.count {
      var h = (0..<9).map { r in Array(x.features.data[((g * 9 + r) * 9)..<((g * 9 + r + 1) * 9)]) }
      for l in 0..<4 {
        let hw = h.map { row in lin(row, p[2 * l], Tensor.filled(0, rows: 1, cols: 100), relu: false) }
        h = (0..<9).map { i in
          (0..<100).map { c in
            var s = p[2 * l + 1].data[c]
            for j in 0..<9 where ArchEncoder.adjacency[i * 9 + j] == 1 { s += hw[j][c] }
            return max(s, 0)
          }
        }
      }
      let e = lin(lin(hwv, p[8], p[9], relu: true), p[10], p[11], relu: true)
      let h3 = lin(h[8] + e, p[12], p[13], relu: true)
      let h4 = lin(h3, p[14], p[15], relu: true)
      let out = lin(h4, p[16], p[17], relu: false)[0]
      XCTAssertEqual(y.data[g], out, accuracy: 1e-4 * max(1, abs(out)))
    }
  }

  func testOFAEncodingIs145AndRejectsNB201() throws {
    let c = OFAConfig(ks: Array(repeating: 5, count: 20), e: Array(repeating: 4, count: 20), d: [2, 3, 4, 2, 3],
                      resolution: 160, width: .w12)
    let enc = ArchEncoder(space: .ofa, liveFeature: false)
    let x = try enc.encode([.ofa(c)])
    XCTAssertEqual(x.features.cols, 145)
    XCTAssertEqual(x.features.data.reduce(0, +), Float(14 * 2 + 1))
    XCTAssertThrowsError(try enc.encode([.nb201(NB201Cell(codes: [0, 0, 0, 0, 0, 0])!)]))
  }

  func testNormaliserRoundTrip() throws {
    let refs = [2.0, 3.5, 7.25, 1.1, 9.0]
    let n = try DeviceNormaliser(recipe: .logRef, referenceMs: refs)
    XCTAssertEqual(Double(n.embedding.reduce(0, +)), 0, accuracy: 1e-5)
    for v in [0.5, 3.0, 42.0] { XCTAssertEqual(n.denormalise(n.normalise(v)), v, accuracy: 1e-4 * v) }
    let h = try DeviceNormaliser(recipe: .helpMinMax, referenceMs: refs, pool: [1, 5, 11])
    XCTAssertEqual(h.normalise(1), 0.05, accuracy: 1e-6)
    XCTAssertEqual(h.normalise(11), 0.95, accuracy: 1e-6)
    XCTAssertEqual(h.denormalise(h.normalise(6.5)), 6.5, accuracy: 1e-5)
    XCTAssertThrowsError(try DeviceNormaliser(recipe: .logRef, referenceMs: [1, -2]))
  }
}
