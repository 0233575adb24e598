import XCTest

final class CountersSmokeTests: XCTestCase {
  func testPackageBuilds() { XCTAssertTrue(true) }
}
