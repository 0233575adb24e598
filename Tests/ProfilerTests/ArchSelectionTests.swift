import Profiler
import SearchSpace
import XCTest

final class ArchSelectionTests: XCTestCase {
  func testRanges() throws {
    XCTAssertEqual(try ArchSelection.parseRanges("0-3"), [0, 1, 2, 3])
    XCTAssertEqual(try ArchSelection.parseRanges("5, 1,2-3,2"), [5, 1, 2, 3])
    XCTAssertEqual(try ArchSelection.parseRanges("7"), [7])
    for bad in ["", "1,,2", "3-1", "a", "1-2-3", "-4"] {
      XCTAssertThrowsError(try ArchSelection.parseRanges(bad), bad)
    }
    XCTAssertThrowsError(try ArchSelection.parseRanges("15620-15630", bounds: NB201Index.range)) { e in
      XCTAssertTrue("\(e)".contains("15620-15630"), "\(e)")
    }
  }

  func testNB201SpecsAndSample() throws {
    let specs = try ArchSelection.nb201(indices: [0, 1])
    XCTAssertEqual(specs.map(\.archIndex), [0, 1])
    XCTAssertEqual(specs[0].archString, try NB201Index.cell(at: 0).archString)
    let a = try ArchSelection.nb201Sample(count: 50, seed: 3)
    let b = try ArchSelection.nb201Sample(count: 50, seed: 3)
    XCTAssertEqual(a, b)
    XCTAssertEqual(Set(a.map(\.archIndex)).count, 50)
    XCTAssertNotEqual(a, try ArchSelection.nb201Sample(count: 50, seed: 4))
    XCTAssertThrowsError(try ArchSelection.nb201Sample(count: 0, seed: 1))
  }

  func testOFASamplesMatchSampler() throws {
    let specs = try ArchSelection.ofaSamples(numbers: [2, 0], seed: 9, width: .w12)
    let direct = OFAConfig.sample(count: 3, seed: 9, width: .w12)
    XCTAssertEqual(specs, [.ofa(number: 2, config: direct[2]), .ofa(number: 0, config: direct[0])])
  }

  func testArchsFile() throws {
    let cell = try NB201Index.cell(at: 12)
    let nb = try ArchSelection.parseFile("# comment\n12\n\n\(cell.archString)\n5\n", space: .nb201)
    XCTAssertEqual(nb.map(\.archIndex), [12, 12, 5])
    let cfg = OFAConfig.sample(count: 1, seed: 1, width: .w10)[0]
    let csvRow = "7,204,2-2-2-2-3,7-5-5-5-7-7-5-7-5-7-3-7-5-3-7-3-5-3-5-3,6-4-4-6-6-3-4-3-3-6-3-3-3-6-3-4-6-4-3-6"
    let ofa = try ArchSelection.parseFile("arch_index,resolution,d,ks,e\n\(cfg.text)\n\(csvRow)\n", space: .ofa)
    XCTAssertEqual(ofa.map(\.archIndex), [-1, 7])
    XCTAssertEqual(ofa[0], .ofa(number: -1, config: cfg))
    XCTAssertThrowsError(try ArchSelection.parseFile("12\nbogus\n", space: .nb201)) { e in
      XCTAssertTrue("\(e)".contains("line 2"), "\(e)")
    }
    XCTAssertThrowsError(try ArchSelection.parseFile("\n# nothing\n", space: .nb201))
  }
}
