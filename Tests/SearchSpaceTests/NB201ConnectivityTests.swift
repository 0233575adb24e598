import XCTest
@testable import SearchSpace

final class NB201ConnectivityTests: XCTestCase {
  /// Builds a cell from a 6-digit string of op codes, e0 first.
  func cell(_ digits: String, file: StaticString = #filePath, line: UInt = #line) throws -> NB201Cell {
    let codes = digits.compactMap { $0.wholeNumberValue }
    return try XCTUnwrap(NB201Cell(codes: codes), "bad digits \(digits)", file: file, line: line)
  }

  func testAllNoneIsDisconnected() throws {
    let c = try cell("000000")
    XCTAssertFalse(c.isOutputConnected)
    XCTAssertEqual(c.liveEdges, [false, false, false, false, false, false])
  }

  func testAllSkipIsFullyLive() throws {
    let c = try cell("111111")
    XCTAssertTrue(c.isOutputConnected)
    XCTAssertEqual(c.liveEdges, [true, true, true, true, true, true])
  }

  func testResNetCell() throws {
    // index 11472: conv3(1←0), none(2←0), conv3(2←1), skip(3←0), none(3←1), skip(3←2)
    let c = try cell("303101")
    XCTAssertTrue(c.isOutputConnected)
    XCTAssertEqual(c.liveEdges, [true, false, true, true, false, true])
    XCTAssertEqual(c.liveCount(of: .conv3x3), 2)
  }

  func testOutputEdgesAllNone() throws {
    // Convs into nodes 1 and 2 but nothing into node 3.
    let c = try cell("333000")
    XCTAssertFalse(c.isOutputConnected)
    XCTAssertEqual(c.liveEdges, [false, false, false, false, false, false])
  }

  func testUnreachableSourceIsDead() throws {
    // conv into node 1 (dead end), node 2 has no inputs, skip 3←2 reads zeros.
    let c = try cell("300001")
    XCTAssertFalse(c.isOutputConnected)
    XCTAssertEqual(c.liveEdges, [false, false, false, false, false, false])
  }

  func testOnlyDirectEdge() throws {
    let c = try cell("000100")
    XCTAssertTrue(c.isOutputConnected)
    XCTAssertEqual(c.liveEdges, [false, false, false, true, false, false])
  }

  func testDeadEndBranchIsPruned() throws {
    // node 1 is computed but only feeds `none` edges; path 0→2→3 is live.
    let c = try cell("330003")
    XCTAssertTrue(c.isOutputConnected)
    XCTAssertEqual(c.liveEdges, [false, true, false, false, false, true])
    XCTAssertEqual(c.count(of: .conv3x3), 3)
    XCTAssertEqual(c.liveCount(of: .conv3x3), 2)
  }

  func testReachabilityVectors() throws {
    let c = try cell("400010")  // pool 1←0, skip 3←1
    XCTAssertEqual(c.reachableFromInput, [true, true, false, true])
    XCTAssertEqual(c.reachesOutput, [true, true, false, true])
    XCTAssertEqual(c.liveEdges, [true, false, false, false, true, false])
  }

  /// Naive reference: enumerate the paths 0→…→3 explicitly; an edge is live iff it lies on one.
  func naiveLive(_ c: NB201Cell) -> [Bool] {
    let on: (Int, Int) -> Bool = { to, from in
      let k = NB201Cell.edges.firstIndex { $0.to == to && $0.from == from }!
      return c.ops[k] != .none
    }
    let paths: [[Int]] = [[0, 3], [0, 1, 3], [0, 2, 3], [0, 1, 2, 3]]
    var live = [Bool](repeating: false, count: 6)
    for p in paths where zip(p, p.dropFirst()).allSatisfy({ on($0.1, $0.0) }) {
      for (a, b) in zip(p, p.dropFirst()) {
        live[NB201Cell.edges.firstIndex { $0.to == b && $0.from == a }!] = true
      }
    }
    return live
  }

  func testAgainstPathEnumerationForAllCells() throws {
    var disconnected = 0
    for b in 0..<15_625 {
      var codes = [Int](repeating: 0, count: 6)
      var v = b
      for k in (0..<6).reversed() { codes[k] = v % 5; v /= 5 }
      let c = try XCTUnwrap(NB201Cell(codes: codes))
      let live = naiveLive(c)
      XCTAssertEqual(c.liveEdges, live, "cell \(codes)")
      XCTAssertEqual(c.isOutputConnected, live.contains(true), "cell \(codes)")
      if !c.isOutputConnected { disconnected += 1 }
    }
    XCTAssertEqual(disconnected, 341)
  }
}
