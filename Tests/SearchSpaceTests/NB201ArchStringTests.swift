import XCTest
@testable import SearchSpace

final class NB201ArchStringTests: XCTestCase {
  let resnet = "|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|"

  func testParseDocExample() throws {
    let s = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
    let c = try NB201Cell(archString: s)
    XCTAssertEqual(c.codes, [3, 3, 4, 1, 3, 1])
    XCTAssertEqual(c.archString, s)
  }

  func testPrintResNetCell() throws {
    let c = try XCTUnwrap(NB201Cell(codes: [3, 0, 3, 1, 0, 1]))
    XCTAssertEqual(c.archString, resnet)
  }

  func testRoundTripAllCells() throws {
    for b in 0..<15_625 {
      var codes = [Int](repeating: 0, count: 6)
      var v = b
      for k in (0..<6).reversed() { codes[k] = v % 5; v /= 5 }
      let c = try XCTUnwrap(NB201Cell(codes: codes))
      XCTAssertEqual(try NB201Cell(archString: c.archString), c)
    }
  }

  /// Asserts that parsing `text` fails with exactly `message`.
  func assertError(_ text: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try NB201Cell(archString: text), file: file, line: line) { error in
      XCTAssertEqual((error as? SearchSpaceError)?.message, message, file: file, line: line)
    }
  }

  func testUnknownOp() {
    assertError("|conv5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|",
                "unknown op 'conv5x5' at position 2; expected one of none, skip_connect, nor_conv_1x1, "
                  + "nor_conv_3x3, avg_pool_3x3")
  }

  func testMissingTilde() {
    assertError("|nor_conv_3x3|+|none~0|none~1|+|none~0|none~1|none~2|",
                "expected '~' after op name at position 14, found '|'")
  }

  func testWrongSourceIndex() {
    assertError("|none~0|+|none~0|none~2|+|none~0|none~1|none~2|",
                "wrong source index 2 at position 23: expected 1 (edge 1 of node 2 reads node 1)")
  }

  func testMissingSource() {
    assertError("|none~|+|none~0|none~1|+|none~0|none~1|none~2|",
                "expected source index 0 at position 7, found '|'")
  }

  func testTooFewEdgesInNode() {
    assertError("|none~0|+|none~0|+|none~0|none~1|none~2|",
                "node 2 has 1 edge at position 18: expected 2 (sources 0...1)")
  }

  func testTooManyEdgesInNode() {
    assertError("|none~0|none~1|+|none~0|none~1|+|none~0|none~1|none~2|",
                "node 1 has too many edges at position 9: expected '+' after 1 edge, found 'n'")
  }

  func testTooFewNodes() {
    assertError("|none~0|+|none~0|none~1|",
                "arch string ends after node 2 at position 25: expected '+' and 3 nodes in all")
  }

  func testTooManyNodes() {
    assertError(resnet + "+|none~0|", "too many nodes at position 80: expected end of string after node 3, found '+'")
  }

  func testMissingLeadingBar() {
    assertError("none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
                "expected '|' at the start of node 1 at position 1, found 'n'")
  }

  func testTruncatedInsideEdge() {
    assertError("|none~0|+|none~0|none", "expected '~' after op name at position 22, found end of string")
  }

  func testEmptyAndWhitespace() {
    assertError("", "empty arch string: expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2|")
    assertError(" " + resnet, "expected '|' at the start of node 1 at position 1, found ' '")
  }
}
