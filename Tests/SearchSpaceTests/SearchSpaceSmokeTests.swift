import XCTest

final class SearchSpaceSmokeTests: XCTestCase {
  func testPackageBuilds() { XCTAssertTrue(true) }
}
