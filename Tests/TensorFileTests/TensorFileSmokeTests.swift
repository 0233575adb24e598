import XCTest

final class TensorFileSmokeTests: XCTestCase {
  func testPackageBuilds() { XCTAssertTrue(true) }
}
