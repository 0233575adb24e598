import XCTest

final class CLISmokeTests: XCTestCase {
  func testPackageBuilds() { XCTAssertTrue(true) }
}
