import XCTest

final class KernelSmokeTests: XCTestCase {
  func testPackageBuilds() { XCTAssertTrue(true) }
}
