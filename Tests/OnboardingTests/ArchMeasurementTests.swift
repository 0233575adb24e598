import Foundation
import XCTest
import SearchSpace
@testable import Onboarding

/// `ArchMeasurement` carries an `Arch`; its JSON is the one it had when it carried text.
final class ArchMeasurementTests: XCTestCase {
  func testJSONKeepsTheTextFormAndRoundTrips() throws {
    let cell = try NB201Index.cell(at: 1462)
    let config = OFAConfig.sample(count: 1, seed: 4, width: .w12)[0]
    let nb = ArchMeasurement(index: 1462, arch: .nb201(cell), latencyMs: 1.5, macs: 42)
    let ofa = ArchMeasurement(index: nil, arch: .ofa(config), latencyMs: 2.25, macs: 7)
    let enc = JSONEncoder()
    enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let text = String(decoding: try enc.encode([nb, ofa]), as: UTF8.self)
    XCTAssertEqual(text, "[{\"arch\":\"\(cell.archString)\",\"index\":1462,\"latencyMs\":1.5,\"macs\":42},"
                   + "{\"arch\":\"\(config.text)\",\"latencyMs\":2.25,\"macs\":7}]")
    let back = try JSONDecoder().decode([ArchMeasurement].self, from: Data(text.utf8))
    XCTAssertEqual(back, [nb, ofa])
    XCTAssertEqual(back.map(\.text), [cell.archString, config.text])
    let bad = Data("{\"arch\":\"|nope~0|\",\"latencyMs\":1,\"macs\":1}".utf8)
    XCTAssertThrowsError(try JSONDecoder().decode(ArchMeasurement.self, from: bad))
  }
}
