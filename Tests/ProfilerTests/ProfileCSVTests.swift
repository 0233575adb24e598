@testable import Profiler
import SearchSpace
import XCTest

final class ProfileCSVTests: XCTestCase {
  func sampleRow(_ i: Int, arch: String = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|") -> ProfileRow {
    ProfileRow(device: "dev", dataset: "cifar10", archIndex: i, archString: arch, latencyMs: 1.25 + Double(i),
               p10Ms: 1.2, p90Ms: 1.4, iqrMs: 0.01, minMs: 1.1, n: 10, noisy: i % 2 == 1, cpuMs: 1.24,
               otherCPU: 0.125, sweeps: 3, counters: [.init(name: "PAPI_TOT_CYC", value: 12345)],
               samplesMs: [1.25, 1.5, 2.0])
  }

  func testQuoteSplitRoundTrip() throws {
    XCTAssertEqual(CSV.quote("a\r\nb"), "\"a\r\nb\"", "CRLF is one Character; it must still be quoted")
    for fields in [["a", "b,c", "d\"e", ""], ["r=224 w=1.0 d=2,2 ks=3,5", "x"], [""], ["\"q\""], ["x\r\ny", "z"]] {
      XCTAssertEqual(try CSV.split(fields.map(CSV.quote).joined(separator: ",")), fields)
    }
    XCTAssertThrowsError(try CSV.split("\"open,field"))
  }

  func testRowRoundTripNB201AndOFA() throws {
    let r = sampleRow(3)
    XCTAssertEqual(try ProfileRow(csvLine: r.csvLine), r)
    let cfg = OFAConfig.sample(count: 1, seed: 2, width: .w12)[0]
    var o = sampleRow(-1, arch: cfg.text)
    o.counters = []
    XCTAssertEqual(try ProfileRow(csvLine: o.csvLine), o)
    XCTAssertTrue(o.csvLine.contains("\"r="))
    XCTAssertEqual(ProfileRow.header.split(separator: ",").count, ProfileRow.columnCount)
    XCTAssertTrue(ProfileRow.header.hasPrefix("source,device,dataset,arch_index,arch_str,latency_ms,"))
    XCTAssertThrowsError(try ProfileRow(csvLine: "a,b,c"))
    XCTAssertThrowsError(try ProfileRow(csvLine: r.csvLine.replacingOccurrences(of: ",10,", with: ",ten,")))
  }

  func testAppendReopenAndTornLine() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pcsv-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("p.csv").path
    do {
      let f = try ProfileCSVFile(path: path)
      XCTAssertTrue(f.existingRows.isEmpty)
      try f.append(sampleRow(0))
      try f.append(sampleRow(1))
    }
    // Simulate kill -9 in the middle of a write: half a row, no newline.
    let torn = String(sampleRow(2).csvLine.prefix(40))
    let h = try XCTUnwrap(FileHandle(forWritingAtPath: path))
    h.seekToEndOfFile()
    h.write(Data(torn.utf8))
    h.closeFile()
    let f = try ProfileCSVFile(path: path)
    XCTAssertEqual(f.droppedTornBytes, torn.utf8.count)
    XCTAssertEqual(f.existingRows, [sampleRow(0), sampleRow(1)])
    XCTAssertEqual(f.doneKeys, Set([sampleRow(0).key, sampleRow(1).key]))
    try f.append(sampleRow(2))
    let text = try String(contentsOfFile: path, encoding: .utf8)
    XCTAssertEqual(text, ([ProfileRow.header] + [0, 1, 2].map { sampleRow($0).csvLine }).joined(separator: "\n") + "\n")
    XCTAssertEqual(try ProfileCSVFile.readRows(path: path).count, 3)
  }

  func testRefusesForeignFile() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("foreign-\(UUID().uuidString).csv").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try "a,b,c\n1,2,3\n".write(toFile: path, atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try ProfileCSVFile(path: path)) { e in
      XCTAssertEqual((e as? ProfilerError)?.kind, .data)
    }
  }
}

/// The canary columns: round trip, and files written before them.
final class ProfileCSVCanaryColumnTests: XCTestCase {
  func row() -> ProfileRow {
    ProfileRow(device: "dev", dataset: "cifar10", archIndex: 7, archString: "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
               latencyMs: 1.5, p10Ms: 1.2, p90Ms: 1.4, iqrMs: 0.01, minMs: 1.1, n: 3, noisy: false, cpuMs: 1.24,
               otherCPU: 0.125, sweeps: 3, counters: [], samplesMs: [1.25, 1.5, 2.0], rawLatencyMs: 1.5,
               canaryRatio: 1.25, canaryMs: 1.2, ciRel: 0.0125, slowRounds: 2, canarySamplesMs: [1.0, 1.25, 1.5])
  }

  func testNewColumnsRoundTripAndOrder() throws {
    let r = row()
    XCTAssertEqual(try ProfileRow(csvLine: r.csvLine), r)
    XCTAssertTrue(ProfileRow.header.hasPrefix(ProfileRow.legacyHeader + ","), "new columns are appended at the end")
    XCTAssertTrue(ProfileRow.header.hasSuffix("raw_latency_ms,canary_ratio,canary_ms,ci_rel,slow_rounds,canary_samples_ms"))
    var none = r
    none.canaryRatio = nil
    none.canaryMs = nil
    none.canarySamplesMs = []
    XCTAssertEqual(try ProfileRow(csvLine: none.csvLine), none)
    var bad = r
    bad.canarySamplesMs = [1]
    XCTAssertThrowsError(try ProfileRow(csvLine: bad.csvLine), "one canary level per sample")
  }

  func testLegacyLineAndFileStayLegacy() throws {
    let r = row()
    let legacy = r.csvLine(legacy: true)
    XCTAssertEqual(try CSV.split(legacy).count, ProfileRow.legacyColumnCount)
    let old = try ProfileRow(csvLine: legacy)
    XCTAssertEqual(old.rawLatencyMs, old.latencyMs, "old rows: raw = latency")
    XCTAssertNil(old.ciRel)
    XCTAssertTrue(old.canarySamplesMs.isEmpty)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("legacy-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("old.csv").path
    try (ProfileRow.legacyHeader + "\n" + legacy + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    var next = r
    next.archIndex = 8
    do {
      let f = try ProfileCSVFile(path: path)
      XCTAssertTrue(f.legacyFormat)
      XCTAssertEqual(f.existingRows.count, 1)
      try f.append(next)
    }
    let text = try String(contentsOfFile: path, encoding: .utf8)
    XCTAssertTrue(text.hasPrefix(ProfileRow.legacyHeader + "\n"))
    for line in text.split(separator: "\n").dropFirst() {
      XCTAssertEqual(try CSV.split(String(line)).count, ProfileRow.legacyColumnCount, "the file stays one format")
    }
    XCTAssertEqual(try ProfileCSVFile.readRows(path: path).map(\.archIndex), [7, 8])
  }
}
