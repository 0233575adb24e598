import XCTest

final class ProfilerSmokeTests: XCTestCase {
  func testPackageBuilds() { XCTAssertTrue(true) }
}
