import XCTest

final class PredictorSmokeTests: XCTestCase {
  func testPackageBuilds() { XCTAssertTrue(true) }
}
