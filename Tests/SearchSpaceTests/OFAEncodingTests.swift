import XCTest
@testable import SearchSpace

final class OFAEncodingTests: XCTestCase {
  /// Literal port of HELP's `arch_encoding_ofa`: zero inactive slots, then one-hots via the maps.
  func helpReference(_ c: OFAConfig) -> [Float] {
    var ks = c.ks, ex = c.e
    var start = 0, end = 4
    for d in c.d {
      for j in (start + d)..<end { ks[j] = 0; ex[j] = 0 }
      start += 4; end += 4
    }
    let ksMap = [3: 0, 5: 1, 7: 2], exMap = [3: 0, 4: 1, 6: 2]
    var ksOne = [Float](repeating: 0, count: 60), exOne = [Float](repeating: 0, count: 60)
    var rOne = [Float](repeating: 0, count: 25)
    for i in 0..<20 {
      if ks[i] != 0, let k = ksMap[ks[i]] { ksOne[3 * i + k] = 1 }
      if ex[i] != 0, let x = exMap[ex[i]] { exOne[3 * i + x] = 1 }
    }
    rOne[(c.resolution - 128) / 4] = 1
    return ksOne + exOne + rOne
  }

  func testGoldConfigEncoding() {
    let f = goldConfig().helpEncoding
    XCTAssertEqual(f.count, 145)
    XCTAssertEqual(f.reduce(0, +), Float(2 * 12 + 1))  // 12 active elastic blocks × (ks, e) + r
    XCTAssertEqual(Array(f[0..<6]), [1, 0, 0, 1, 0, 0])  // ks[0] = 3, ks[1] = 3
    XCTAssertEqual(Array(f[6..<12]), [0, 0, 0, 0, 0, 0])  // slots 2, 3 inactive (d[0] = 2)
    XCTAssertEqual(Array(f[60..<63]), [1, 0, 0])  // e[0] = 3
    XCTAssertEqual(Array(f[72..<75]), [0, 0, 1])  // e[4] = 6
    XCTAssertEqual(f[144], 1)  // r = 224 → slot 24
    XCTAssertEqual(f, helpReference(goldConfig()))
  }

  func testAgainstHELPReferenceOnSeededSamples() {
    for c in OFAConfig.sample(count: 500, seed: 99) {
      XCTAssertEqual(c.helpEncoding, helpReference(c), c.text)
    }
  }

  func testWidthNotEncodedAndInactiveIgnored() {
    XCTAssertEqual(goldConfig(.w10).helpEncoding, goldConfig(.w12).helpEncoding)
    var c = goldConfig()
    c.ks[3] = 7; c.e[3] = 6  // inactive slot
    XCTAssertEqual(c.helpEncoding, goldConfig().helpEncoding)
    XCTAssertEqual(OFAEncoding.featureCount, 145)
  }
}
