import Foundation
import XCTest
import SearchSpace
@testable import Onboarding
import Predictor

final class ShotSelectionTests: XCTestCase {
  private let candidates = (0..<1000).map { ShotSelection.Candidate(key: $0, macs: ($0 * 7919) % 1000) }

  func testOnePerMACsStratumAndSeeded() throws {
    let a = try ShotSelection.stratifiedByMACs(candidates, count: 10, seed: 1)
    XCTAssertEqual(a, try ShotSelection.stratifiedByMACs(candidates, count: 10, seed: 1))
    XCTAssertNotEqual(a, try ShotSelection.stratifiedByMACs(candidates, count: 10, seed: 2))
    // Naive check: the s-th pick has MACs rank in [s*100, (s+1)*100).
    let sorted = candidates.sorted { ($0.macs, $0.key) < ($1.macs, $1.key) }.map(\.key)
    for (s, key) in a.enumerated() {
      let rank = try XCTUnwrap(sorted.firstIndex(of: key))
      XCTAssertTrue((s * 100..<(s + 1) * 100).contains(rank), "pick \(s) has rank \(rank)")
    }
  }

  func testExclusionAndTooFew() throws {
    let exclude = Set(0..<995)
    let picks = try ShotSelection.stratifiedByMACs(candidates, count: 5, seed: 3, exclude: exclude)
    XCTAssertEqual(Set(picks), Set(995..<1000))
    XCTAssertThrowsError(try ShotSelection.stratifiedByMACs(candidates, count: 6, seed: 3, exclude: exclude))
    XCTAssertThrowsError(try ShotSelection.stratifiedByMACs(candidates, count: 0, seed: 3))
  }

  func testUniformDistinctAndExcluding() throws {
    let u = try ShotSelection.uniform(Array(0..<100), count: 30, seed: 9, exclude: [1, 2, 3])
    XCTAssertEqual(Set(u).count, 30)
    XCTAssertTrue(Set(u).isDisjoint(with: [1, 2, 3]))
    XCTAssertEqual(u, try ShotSelection.uniform(Array(0..<100), count: 30, seed: 9, exclude: [1, 2, 3]))
    XCTAssertThrowsError(try ShotSelection.uniform(Array(0..<10), count: 11, seed: 9))
  }
}

final class ValidationMetricsTests: XCTestCase {
  func testAgainstNaiveFormulas() throws {
    var rng = SplitMix64(seed: 5)
    let measured = (0..<50).map { _ in Double(rng.next() % 100_000) / 1000 + 1 }
    let predicted = measured.map { $0 * (0.9 + Double(rng.next() % 200) / 1000) }
    let m = try ValidationMetrics(predicted: predicted, measured: measured)
    // Spearman without ties: 1 - 6 Σd² / (n(n²-1)).
    let rp = RankMetrics.ranks(predicted), rm = RankMetrics.ranks(measured)
    let n = Double(measured.count)
    let d2 = zip(rp, rm).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
    XCTAssertEqual(m.spearman, 1 - 6 * d2 / (n * (n * n - 1)), accuracy: 1e-12)
    let rel = zip(predicted, measured).map { abs($0 - $1) / $1 }
    XCTAssertEqual(m.mapePercent, rel.reduce(0, +) / n * 100, accuracy: 1e-9)
    XCTAssertEqual(m.within10Percent, Double(rel.filter { $0 <= 0.1 }.count) / n * 100, accuracy: 1e-9)
    XCTAssertEqual(m.maxErrorPercent, rel.max()! * 100, accuracy: 1e-9)
  }

  func testPerfectAndReversedAndTies() throws {
    XCTAssertEqual(try ValidationMetrics(predicted: [1, 2, 3], measured: [10, 20, 30]).spearman, 1, accuracy: 1e-12)
    XCTAssertEqual(try ValidationMetrics(predicted: [3, 2, 1], measured: [10, 20, 30]).kendall, -1, accuracy: 1e-12)
    XCTAssertEqual(RankMetrics.ranks([5, 1, 5, 3]), [2.5, 0, 2.5, 1])
    XCTAssertThrowsError(try ValidationMetrics(predicted: [1], measured: [1]))
    XCTAssertThrowsError(try ValidationMetrics(predicted: [1, 2], measured: [0, 1]))
  }
}

final class MeasurementsCSVTests: XCTestCase {
  func testParsesProfileCSVWithQuotes() throws {
    let text = "source,device,dataset,arch_index,arch_str,latency_ms,samples_ms\n"
      + "helpprof,dev,cifar10,1462,|nor_conv_3x3~0|+|x|,2.5,2.4;2.6\r\n"
      + "helpprof,dev,imagenet,-1,\"r=128 d=2,2 \"\"q\"\"\",7.25,7\n\n"
    let rows = try MeasurementsCSV.parse(text)
    XCTAssertEqual(rows, [MeasuredArch(index: 1462, arch: "|nor_conv_3x3~0|+|x|", latencyMs: 2.5),
                          MeasuredArch(index: -1, arch: "r=128 d=2,2 \"q\"", latencyMs: 7.25)])
    XCTAssertEqual(try MeasurementsCSV.parse(MeasurementsCSV.format(rows)), rows)
    // Regression (found by fuzz/): a field holding CRLF must be quoted when formatted.
    let crlf = [MeasuredArch(index: nil, arch: "a\r\nb", latencyMs: 1)]
    XCTAssertEqual(try MeasurementsCSV.parse(MeasurementsCSV.format(crlf)), crlf)
  }

  func testBadCSVs() {
    func bad(_ text: String, _ contains: String, file: StaticString = #filePath, line: UInt = #line) {
      XCTAssertThrowsError(try MeasurementsCSV.parse(text, source: "m.csv"), file: file, line: line) {
        XCTAssertTrue("\($0)".contains(contains), "'\($0)' should contain '\(contains)'", file: file, line: line)
      }
    }
    bad("", "empty file")
    bad("arch_index,foo\n1,2\n", "no latency_ms")
    bad("latency_ms\n1\n", "neither arch_index nor arch_str")
    bad("arch_index,latency_ms\n1,fast\n", "line 2: latency_ms 'fast'")
    bad("arch_index,latency_ms\n1,-3\n", "expected a decimal number of milliseconds in 1e-06...1000000.0")
    // Issue 14 #5: implausible latencies and number dialects are refused (before: 1e-300 and 0x1p3 = 8 accepted).
    for text in ["1e-300", "0", "1e7", "0x1p3", "inf", "nan", "1_0", "+2", ".5", "2.", "1,5"] {
      bad("arch_index,latency_ms\n1,\"\(text)\"\n", "latency_ms '\(text)'")
    }
    bad("arch_index,latency_ms\n+1,2\n", "arch_index '+1'")
    bad("arch_index,latency_ms\n0x1,2\n", "arch_index '0x1'")
    bad("arch_index,latency_ms\n1,2,3\n", "3 fields: expected 2")
    bad("arch_index,latency_ms\nx,2\n", "arch_index 'x'")
    bad("arch_str,latency_ms\n\"abc,2\n", "unterminated")
  }
}
