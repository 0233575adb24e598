import XCTest

final class RuntimeSmokeTests: XCTestCase {
  func testPackageBuilds() { XCTAssertTrue(true) }
}
