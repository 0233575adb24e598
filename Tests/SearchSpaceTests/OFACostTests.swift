import XCTest
@testable import SearchSpace

final class OFACostTests: XCTestCase {
  func testHELPGoldConfig() throws {
    // Spec B7: 220.44 M MACs / 5.486 M params at w1.0; 336.26 M / 7.601 M at w1.2.
    XCTAssertEqual(try goldConfig(.w10).cost(), OFACost(macs: 220_435_296, params: 5_486_080))
    XCTAssertEqual(try goldConfig(.w12).cost(), OFACost(macs: 336_258_352, params: 7_600_928))
    XCTAssertEqual(try goldConfig(.w10).cost().megaMACs, 220.44, accuracy: 0.005)
  }

  func testGoldShapeMatchesWorkedTable() throws {
    let shape = try OFAShape(config: goldConfig(.w10))
    XCTAssertEqual(shape.blocks.count, 13)
    XCTAssertEqual(shape.firstConvSide, 112)
    XCTAssertEqual(shape.blocks.map(\.slot), [nil, 0, 1, 4, 5, 8, 9, 12, 13, 14, 16, 17, 18])
    XCTAssertEqual(shape.blocks.map(\.outSide), [112, 56, 56, 28, 28, 14, 14, 14, 14, 14, 7, 7, 7])
    XCTAssertEqual(shape.blocks.map(\.midChannels), [16, 48, 72, 144, 160, 240, 320, 480, 448, 448, 672, 960, 960])
    XCTAssertEqual(shape.blocks.map(\.seChannels), [0, 0, 0, 40, 40, 0, 0, 120, 112, 112, 168, 240, 240])
    XCTAssertEqual(shape.blocks.map(\.residual),
                   [true, false, true, false, true, false, true, false, true, true, false, true, true])
    XCTAssertEqual(shape.blocks[5].activation, .hswish)
    XCTAssertEqual(shape.finalSide, 7)
  }

  /// MAC range of the space (spec B6; min = all d=2, k=3, e=3; max = all d=4, k=7, e=6):
  /// w1.0: 41.48 M (r=128) … 566.17 M (r=224); w1.2: 65.54 M … 843.10 M.
  /// Params: w1.0 3,410,792 – 7,664,760; w1.2 4,602,456 – 10,701,632.
  func testRangesOfTheSpace() throws {
    let table: [(OFAWidth, Int, Int, Int)] = [
      (.w10, 128, 41_476_224, 188_248_320), (.w10, 160, 63_240_528, 291_318_048),
      (.w10, 192, 89_841_344, 417_292_160), (.w10, 224, 121_278_672, 566_170_656),
      (.w12, 128, 65_536_896, 279_987_456), (.w12, 160, 100_320_888, 433_563_888),
      (.w12, 192, 142_834_656, 621_268_416), (.w12, 224, 193_078_200, 843_101_040),
    ]
    for (w, r, lo, hi) in table {
      let small = OFAConfig(ks: .init(repeating: 3, count: 20), e: .init(repeating: 3, count: 20),
                            d: .init(repeating: 2, count: 5), resolution: r, width: w)
      let large = OFAConfig(ks: .init(repeating: 7, count: 20), e: .init(repeating: 6, count: 20),
                            d: .init(repeating: 4, count: 5), resolution: r, width: w)
      XCTAssertEqual(try small.cost().macs, lo, "min \(w) \(r)")
      XCTAssertEqual(try large.cost().macs, hi, "max \(w) \(r)")
      XCTAssertEqual(try small.cost().params, w == .w10 ? 3_410_792 : 4_602_456)
      XCTAssertEqual(try large.cost().params, w == .w10 ? 7_664_760 : 10_701_632)
    }
  }

  func testInvalidConfigThrows() {
    var c = goldConfig()
    c.resolution = 130
    XCTAssertThrowsError(try c.cost())
  }

  /// Naive reference written straight from spec B3/B6, block by block from the raw config.
  func naiveMACs(_ c: OFAConfig) -> Int {
    func md(_ v: Double) -> Int {
      var n = max(8, Int(v + 4) / 8 * 8)
      if Double(n) < 0.9 * v { n += 8 }
      return n
    }
    let m = c.width == .w10 ? 1.0 : 1.2
    let widths = [16, 16, 24, 40, 80, 112, 160, 960, 1280].map { md(Double($0) * m) }
    var h = (c.resolution + 1) / 2
    var total = 27 * widths[0] * h * h + widths[0] * 9 * h * h + widths[0] * widths[1] * h * h
    var cin = widths[1]
    let strides = [2, 2, 2, 1, 2], se = [false, true, false, true, true]
    for s in 0..<5 {
      for j in 0..<c.d[s] {
        let i = 4 * s + j
        let mid = md(Double(cin * c.e[i]))
        let hout = j == 0 && strides[s] == 2 ? (h + 1) / 2 : h
        total += cin * mid * h * h + mid * c.ks[i] * c.ks[i] * hout * hout + mid * widths[s + 2] * hout * hout
        if se[s] { total += 2 * mid * md(Double(mid / 4)) }
        cin = widths[s + 2]
        h = hout
      }
    }
    return total + cin * widths[7] * h * h + widths[7] * widths[8] + widths[8] * 1000
  }

  func testAgainstNaiveReferenceOnSeededSamples() throws {
    for w in OFAWidth.allCases {
      for c in OFAConfig.sample(count: 300, seed: 2026, width: w) {
        XCTAssertEqual(try c.cost().macs, naiveMACs(c), c.text)
      }
    }
    XCTAssertEqual(naiveMACs(goldConfig(.w12)), 336_258_352)
  }
}
