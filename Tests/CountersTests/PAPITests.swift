import Counters
import XCTest

/// PAPI wrapper, counter fallback, pinning and HostInfo on the real machine (facts, never timings).
final class PAPITests: XCTestCase {
  func testTimersAdvanceAndErrorNames() {
    let papi = PAPIContext.shared
    let a = papi.realNanoseconds(), c = papi.threadCPUNanoseconds()
    var x = 0.0
    for i in 0..<200_000 { x += Double(i).squareRoot() }
    XCTAssertGreaterThan(x, 0)
    XCTAssertGreaterThan(papi.realNanoseconds(), a)
    XCTAssertGreaterThanOrEqual(papi.threadCPUNanoseconds(), c)
    XCTAssertTrue(PAPIContext.describe(code: -7).hasPrefix("PAPI_ENOEVNT"))
    XCTAssertTrue(PAPIContext.describe(code: -25).hasPrefix("PAPI_ECMP_DISABLED"))
    XCTAssertFalse(papi.versionString.isEmpty)
  }

  func testCounterSetRecordsAvailabilityOrReason() {
    let set = CounterSet(requested: CounterSet.defaultEvents)
    XCTAssertEqual(set.statuses.map(\.requested), CounterSet.defaultEvents)
    for s in set.statuses {
      if s.available {
        XCTAssertNil(s.reason)
      } else {
        XCTAssertFalse((s.reason ?? "").isEmpty, "\(s.requested) unavailable without a reason")
      }
    }
    var ran = 0
    let values = set.measure { ran += 1 }
    XCTAssertEqual(ran, 1)
    if set.isEmpty { XCTAssertNil(values) } else { XCTAssertEqual(values?.count, set.activeNames.count) }
    XCTAssertFalse(set.summary.isEmpty)
  }

  func testEmptyAndBogusSetsNeverStart() {
    let empty = CounterSet(requested: [])
    XCTAssertTrue(empty.isEmpty)
    var ran = false
    XCTAssertNil(empty.measure { ran = true })
    XCTAssertTrue(ran)
    let bogus = CounterSet(requested: ["NOT_AN_EVENT_XYZ"], fallbacks: [:])
    XCTAssertTrue(bogus.isEmpty)
    XCTAssertTrue(bogus.statuses[0].reason?.contains("NOT_AN_EVENT_XYZ") == true)
  }

  func testPinRequestParsingAndPinning() throws {
    XCTAssertEqual(PinRequest(text: "auto"), .auto)
    XCTAssertEqual(PinRequest(text: "none"), PinRequest.none)
    XCTAssertEqual(PinRequest(text: "3"), .cpu(3))
    XCTAssertNil(PinRequest(text: "-1"))
    XCTAssertNil(PinRequest(text: "x"))
    let data = try JSONEncoder().encode([PinRequest.cpu(1)])
    XCTAssertEqual(try JSONDecoder().decode([PinRequest].self, from: data), [.cpu(1)])
    let allowed = CPUPinning.allowedCPUs()
    XCTAssertFalse(allowed.isEmpty)
    let r = CPUPinning.pin(.cpu(allowed[0]), load: nil)
    defer { CPUPinning.unpin() }
    if r.cpu != nil { XCTAssertEqual(CPUPinning.currentCPU, allowed[0]) }
    XCTAssertNil(CPUPinning.pin(.cpu(100_000), load: nil).cpu)
    XCTAssertNotNil(CPUPinning.contextSwitches())
  }

  func testHostInfoCollectsAndWarns() throws {
    var info = HostInfo.collect(sampleSeconds: 0)
    XCTAssertFalse(info.cpu.model.isEmpty)
    XCTAssertGreaterThan(info.cpu.logicalCPUs, 0)
    XCTAssertFalse(info.openBLAS.coreName.isEmpty)
    XCTAssertEqual(info.papi.counters.count, CounterSet.defaultEvents.count)
    XCTAssertTrue(info.textReport.contains("counters"))
    _ = try JSONEncoder().encode(info)
    info.openBLAS.coreName = "Prescott"
    info.simdLevel = "avx512"
    info.load.sample = CPULoad(seconds: 1, perCPUBusy: [1, 1], selfCores: 0, otherCores: 1.5, stealFraction: 0)
    let w = info.deriveWarnings()
    XCTAssertTrue(w.contains { $0.contains("Prescott") && $0.contains("SkylakeX") }, "\(w)")
    XCTAssertTrue(w.contains { $0.hasPrefix("busy machine") }, "\(w)")
  }
}
