@testable import Profiler
import XCTest

/// The progress ETA comes from the rate so far; before any work it says so instead of a made-up 0:00.
final class ProgressPrinterTests: XCTestCase {
  private func progress(done: Int, total: Int, fraction: Double, elapsed: Double) -> ProfileProgress {
    ProfileProgress(done: done, total: total, noisy: 0, remeasured: 0, elapsedSeconds: elapsed,
                    archsPerMinute: elapsed > 0 ? Double(done) / elapsed * 60 : 0,
                    etaSeconds: fraction > 0 ? elapsed * (1 - fraction) / fraction : 0, otherCores: 0,
                    fractionDone: fraction, lastRow: nil)
  }

  func testETAIsUnknownBeforeProgressAndFromTheRateAfter() {
    XCTAssertEqual(ProgressPrinter.eta(progress(done: 0, total: 100, fraction: 0, elapsed: 3)), "ETA ?")
    XCTAssertTrue(ProgressPrinter.format(progress(done: 0, total: 100, fraction: 0, elapsed: 3), label: "p", bar: false)
      .contains("ETA ?"))
    // A quarter done in 30 s: 90 s to go.
    XCTAssertEqual(ProgressPrinter.eta(progress(done: 25, total: 100, fraction: 0.25, elapsed: 30)), "ETA 1:30")
    XCTAssertEqual(ProgressPrinter.eta(progress(done: 100, total: 100, fraction: 1, elapsed: 120)), "ETA 0:00")
  }
}
