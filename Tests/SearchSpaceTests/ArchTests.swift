import XCTest
@testable import SearchSpace

/// `Arch`, the one architecture value of every space: parse/print, canonical text, MACs.
final class ArchTests: XCTestCase {
  func testNB201ParsePrintAndMACs() throws {
    let cell = try NB201Index.cell(at: 1462)
    let a = try Arch(text: cell.archString, space: .nb201)
    XCTAssertEqual(a, .nb201(cell))
    XCTAssertEqual(a.space, .nb201)
    XCTAssertEqual(a.text, cell.archString)
    XCTAssertEqual(a.canonicalText, cell.archString)
    XCTAssertEqual(try a.macs(dataset: .cifar100), NB201Cost(cell: cell, dataset: .cifar100).macs)
    XCTAssertThrowsError(try Arch(text: "r=224", space: .nb201))
  }

  func testOFAParsePrintCanonicalTextAndWidth() throws {
    let c = OFAConfig.sample(count: 1, seed: 4, width: .w12)[0]
    let a = try Arch(text: c.text, space: .ofa)
    XCTAssertEqual(a, .ofa(c))
    XCTAssertEqual(a.space, .ofa)
    XCTAssertEqual(a.text, c.text)
    XCTAssertEqual(a.canonicalText, c.canonicalText)
    XCTAssertEqual(try Arch(text: a.canonicalText, space: .ofa), a, "inactive slots do not make another network")
    XCTAssertEqual(try a.macs(), try OFACost(config: c).macs)
    // Text without w= takes the given width; with one, its own.
    let bare = c.text.replacingOccurrences(of: " w=1.2", with: "")
    XCTAssertEqual(try Arch(text: bare, space: .ofa, ofaWidth: .w12), a)
    XCTAssertEqual(try OFAConfig(text: c.text.replacingOccurrences(of: "w=1.2", with: "w=1.0"), defaultWidth: .w12).width, .w10)
    XCTAssertThrowsError(try Arch(text: "|none~0|", space: .ofa))
  }
}
