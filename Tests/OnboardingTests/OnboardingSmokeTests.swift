import XCTest

final class OnboardingSmokeTests: XCTestCase {
  func testPackageBuilds() { XCTAssertTrue(true) }
}
