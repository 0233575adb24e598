import Foundation
import XCTest
import SearchSpace
@testable import Onboarding

final class ReportHTMLTests: XCTestCase {
  func testSelfContainedPageWithChartsAndEscaping() throws {
    var rng = SplitMix64(seed: 11)
    var points: [ReportHTML.Point] = []
    for i in 0..<40 {
      let m = Double(rng.next() % 9000) / 1000 + 1
      points.append(.init(label: "arch <\(i)> & co", predictedMs: m * (0.85 + Double(rng.next() % 300) / 1000), measuredMs: m))
    }
    let metrics = try ValidationMetrics(predicted: points.map(\.predictedMs), measured: points.map(\.measuredMs))
    let html = ReportHTML(title: "Report <test>", points: points, metrics: metrics,
                          context: [("CPU", "Test \"CPU\"")]).render()
    XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
    XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, 2, "scatter and histogram")
    XCTAssertEqual(html.components(separatedBy: "<circle").count - 1, 40)
    XCTAssertFalse(html.contains("<script"))
    XCTAssertFalse(html.contains("http://") && html.contains("src="), "no external resources")
    XCTAssertTrue(html.contains("Report &lt;test&gt;"))
    XCTAssertTrue(html.contains("arch &lt;0&gt; &amp; co"))
    XCTAssertTrue(html.contains("Test &quot;CPU&quot;"))
    XCTAssertFalse(html.contains("nan"), "no NaN coordinates")
    // Histogram bars add up to the number of points.
    let bars = html.components(separatedBy: "<title>").dropFirst().compactMap { part -> Int? in
      guard let r = part.range(of: " archs</title>") else { return nil }
      return Int(part[part.startIndex..<r.lowerBound])
    }
    XCTAssertEqual(bars.reduce(0, +), 40)
  }

  func testNiceTicks() {
    XCTAssertEqual(ReportHTML.niceTicks(lo: 0, hi: 10, count: 5), [0, 2, 4, 6, 8, 10])
    XCTAssertEqual(ReportHTML.niceTicks(lo: 1.2, hi: 1.9, count: 5).first ?? -1, 1.2, accuracy: 1e-9)
  }
}
