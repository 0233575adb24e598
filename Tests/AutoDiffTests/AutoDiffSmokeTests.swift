import XCTest

final class AutoDiffSmokeTests: XCTestCase {
  func testPackageBuilds() { XCTAssertTrue(true) }
}
