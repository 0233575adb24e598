import XCTest
@testable import Counters

/// Counter names are checked before PAPI sees them: an 8,192-character name overflowed a PAPI buffer (exit 134).
final class CounterNameTests: XCTestCase {
  func testNamesAreValidatedBeforePAPI() {
    for ok in ["PAPI_TOT_CYC", "perf::CYCLES", "ix86arch::LLC_MISSES:u=1", String(repeating: "A", count: 255)] {
      XCTAssertNil(CounterSet.invalidNameReason(ok), ok)
    }
    XCTAssertNotNil(CounterSet.invalidNameReason(""))
    XCTAssertNotNil(CounterSet.invalidNameReason(String(repeating: "A", count: 256)))
    XCTAssertNotNil(CounterSet.invalidNameReason("PAPI TOT"))
    XCTAssertNotNil(CounterSet.invalidNameReason("PAPI_%s%n"))
  }

  func testHugeNameIsUnavailableNotACrash() {
    let set = CounterSet(requested: [String(repeating: "A", count: 9000), "PAPI_TOT_CYC"])
    XCTAssertEqual(set.statuses.count, 2)
    XCTAssertFalse(set.statuses[0].available)
    XCTAssertTrue(set.statuses[0].reason?.contains("9000 characters") ?? false, set.statuses[0].reason ?? "")
  }
}
