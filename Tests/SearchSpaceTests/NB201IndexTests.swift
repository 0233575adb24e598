import Foundation
import TensorFile
import XCTest
@testable import SearchSpace

final class NB201IndexTests: XCTestCase {
  func testSHA256KnownAnswers() {
    XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(SHA256.hex(Array("abc".utf8)),
                   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }

  func testMersenneTwisterFirstOutputsSeed88() {
    var rng = MersenneTwister(seed: 88)
    XCTAssertEqual((0..<5).map { _ in rng.next32() }, [1_707_201_716, 4_182_107_318, 813_946_014, 1_429_399_738, 3_875_947_387])
  }

  func testMersenneTwisterReferenceInitByArray() {
    // Matsumoto & Nishimura's mt19937ar.c test vector: init_by_array({0x123, 0x234, 0x345, 0x456}).
    var rng = MersenneTwister(key: [0x123, 0x234, 0x345, 0x456])
    XCTAssertEqual((0..<5).map { _ in rng.next32() }, [1_067_595_299, 955_945_823, 477_289_528, 4_107_218_783, 4_228_976_476])
  }

  func testGetrandbitsAndRandbelow() {
    var a = MersenneTwister(seed: 88), b = MersenneTwister(seed: 88)
    XCTAssertEqual(a.getrandbits(14), UInt64(b.next32() >> 18))
    XCTAssertEqual(a.getrandbits(0), 0)
    let lo = UInt64(b.next32()), hi = UInt64(b.next32() >> 24)
    XCTAssertEqual(a.getrandbits(40), lo | hi << 32)
    for n in [1, 2, 3, 7, 100, 15_625] {
      for _ in 0..<50 { XCTAssertLessThan(a.randbelow(n), n) }
    }
  }

  func testFirstShuffleDraws() {
    var rng = MersenneTwister(seed: 88)
    let draws = (15_620...15_624).reversed().map { i in rng.randbelow(i + 1) }
    XCTAssertEqual(draws, [6512, 3104, 5452, 14_785, 3030])
  }

  func testPublishedIndices() throws {
    let expected: [(Int, String)] = [
      (0, "421211"), (1, "334131"), (2, "433444"), (3, "410001"), (9, "400103"), (123, "442043"),
      (1462, "333333"), (1651, "000000"), (1835, "111111"), (11_472, "303101"), (15_624, "202022"),
    ]
    for (index, digits) in expected {
      let cell = try NB201Index.cell(at: index)
      XCTAssertEqual(cell.codes.map(String.init).joined(), digits, "index \(index)")
      XCTAssertEqual(cell.nb201Index, index)
    }
    XCTAssertEqual(try NB201Cell(nb201Index: 9).archString,
                   "|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|")
    XCTAssertEqual(try NB201Cell(nb201Index: 123).archString,
                   "|avg_pool_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|nor_conv_3x3~2|")
    XCTAssertEqual(NB201Index.baseIndex(of: try NB201Index.cell(at: 11_472)), 9776)
    XCTAssertEqual(try NB201Cell(baseIndex: 9776).nb201Index, 11_472)
    XCTAssertEqual(try NB201Cell(baseIndex: 13_931).codes, [4, 2, 1, 2, 1, 1])
    XCTAssertThrowsError(try NB201Cell(baseIndex: 15_625))
  }

  func testOutOfRange() {
    for bad in [-1, 15_625, 20_000] {
      XCTAssertThrowsError(try NB201Index.cell(at: bad)) { error in
        XCTAssertEqual((error as? SearchSpaceError)?.message, "index \(bad) out of range: expected 0...15624")
      }
    }
  }

  func testEveryIndexAgainstFixture() throws {
    let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/nb201-index-to-ops", withExtension: "txt"))
    let data = try Data(contentsOf: url)
    XCTAssertEqual(SHA256.hex(Array(data)), "ea6679897b4b2e424a2a7a0ae1ca08830d500f454f1a82a4045cb765a7b7cbd9")
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    XCTAssertEqual(lines.count, NB201Index.count + 1)  // trailing newline
    XCTAssertEqual(lines.last, "")
    let cells = NB201Index.allCells
    XCTAssertEqual(cells.count, NB201Index.count)
    var mismatches = 0
    for (i, line) in lines.dropLast().enumerated() {
      let digits = cells[i].codes.map(String.init).joined()
      if digits != line {
        mismatches += 1
        if mismatches <= 5 { XCTFail("index \(i): fixture \(line), computed \(digits)") }
      }
      if NB201Index.index(of: cells[i]) != i { XCTFail("inverse broken at \(i)") }
    }
    XCTAssertEqual(mismatches, 0)
    XCTAssertEqual(Set(cells).count, NB201Index.count)
  }
}
