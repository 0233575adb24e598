import Counters
@testable import Profiler
import XCTest

/// File-backed profiles: resume, torn lines, refused settings.
final class ResumeTests: XCTestCase {
  static let host = HostInfo.collect(sampleSeconds: 0, counters: [])
  var builds: [Int] = []
  var dir: URL!

  override func setUpWithError() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }

  override func tearDown() { try? FileManager.default.removeItem(at: dir) }

  func settings() -> ProfileSettings {
    var s = ProfileSettings(space: .nb201, dataset: "cifar10", device: "resume-dev")
    s.counters = []
    s.measurement.pin = .none
    s.measurement.warmupSeconds = 0
    s.measurement.minSamples = 3
    s.measurement.samplesPerRound = 3
    s.measurement.maxSecondsPerArch = 0.01
    s.measurement.window = 2
    s.measurement.block = 2
    return s
  }

  func run(_ indices: [Int], _ s: ProfileSettings? = nil, stopAfter: Int? = nil) throws -> Profiler.FileOutcome {
    var rows = 0
    return try Profiler.profile(
      try ArchSelection.nb201(indices: indices), settings: s ?? settings(), csvPath: path, command: ["test"],
      factory: { spec in
        if spec.archIndex != CanaryArch.nb201Index { self.builds.append(spec.archIndex) }
        return ClosureWorkload { var x = 0.0; for i in 0..<1000 { x += Double(i) }; _ = x }
      }, host: ResumeTests.host, progress: { if $0.lastRow != nil { rows += 1 } },
      shouldStop: { stopAfter.map { rows >= $0 } ?? false })
  }

  var path: String { dir.appendingPathComponent("p.csv").path }

  func testResumeSkipsDoneAndCutsTornLine() throws {
    let first = try run([0, 1, 2, 3])
    XCTAssertEqual(first.outcome.rows.count, 4)
    // A torn, half-written fifth row (as left by kill -9).
    let h = try XCTUnwrap(FileHandle(forWritingAtPath: path))
    h.seekToEndOfFile()
    h.write(Data("helpprof,resume-dev,cifar10,4,|none~0|+".utf8))
    h.closeFile()
    builds = []
    let second = try run(Array(0..<7))
    XCTAssertEqual(second.alreadyDone, 4)
    XCTAssertGreaterThan(second.droppedTornBytes, 0)
    XCTAssertEqual(Set(builds), [4, 5, 6])
    let rows = try ProfileCSVFile.readRows(path: path)
    XCTAssertEqual(rows.map(\.archIndex).sorted(), Array(0..<7))
    let text = try String(contentsOfFile: path, encoding: .utf8)
    XCTAssertTrue(text.hasSuffix("\n"))
    XCTAssertEqual(text.components(separatedBy: "\n").filter { !$0.isEmpty }.count, 8)
    let sidecar = try XCTUnwrap(try ProfileSidecar.load(path: ProfileSidecar.path(forCSV: path)))
    XCTAssertEqual(sidecar.runs.count, 2)
    XCTAssertEqual(sidecar.runs[1].alreadyDone, 4)
    XCTAssertNotNil(sidecar.runs[1].summary)
  }

  func testInterruptedRunResumesWithoutDuplicates() throws {
    let first = try run(Array(0..<6), stopAfter: 2)
    XCTAssertTrue(first.outcome.summary.interrupted)
    let done = try ProfileCSVFile.readRows(path: path).count
    XCTAssertGreaterThanOrEqual(done, 2)
    XCTAssertLessThan(done, 6)
    _ = try run(Array(0..<6))
    let rows = try ProfileCSVFile.readRows(path: path)
    XCTAssertEqual(rows.map(\.archIndex).sorted(), Array(0..<6))
  }

  func testRefusesDifferentSettingsAndMissingSidecar() throws {
    _ = try run([0, 1])
    var other = settings()
    other.measurement.targetRelativeIQR = 0.05
    XCTAssertThrowsError(try run([0, 1, 2], other)) { e in
      XCTAssertTrue("\(e)".contains("measurement.target_relative_iqr"), "\(e)")
      XCTAssertEqual((e as? ProfilerError)?.kind, .usage)
    }
    var renamed = settings()
    renamed.deviceOverride = "other-dev"
    XCTAssertThrowsError(try run([0, 1, 2], renamed)) { e in XCTAssertTrue("\(e)".contains("device"), "\(e)") }
    try FileManager.default.removeItem(atPath: ProfileSidecar.path(forCSV: path))
    XCTAssertThrowsError(try run([0, 1, 2])) { e in XCTAssertTrue("\(e)".contains("sidecar"), "\(e)") }
  }

  /// A CSV + sidecar as written before the canary protocol (19 columns, no protocol keys) resumes with
  /// `--protocol sweeps` (what it was measured with), keeps its format, and is refused with the canary default.
  func testResumesOldFormatFiles() throws {
    var old = settings()
    old.measurement.kind = .sweeps
    _ = try run([0, 1], old)
    let rows = try ProfileCSVFile.readRows(path: path)
    let legacy = ([ProfileRow.legacyHeader] + rows.map { $0.csvLine(legacy: true) }).joined(separator: "\n") + "\n"
    try legacy.write(toFile: path, atomically: true, encoding: .utf8)
    let sidecarPath = ProfileSidecar.path(forCSV: path)
    var obj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sidecarPath)))
      as? [String: Any])
    var st = try XCTUnwrap(obj["settings"] as? [String: Any])
    var m = try XCTUnwrap(st["measurement"] as? [String: Any])
    for k in ["kind", "canaryRuns", "canaryPerArch", "canaryRewarmRuns", "preemptedAsCPU", "canarySmoothing", "ratioQuantile",
              "targetRelativeCI", "canaryBaselineQuantile", "slowEpisodeFactor", "naiveRuns"] {
      m.removeValue(forKey: k)
    }
    st["measurement"] = m
    obj["settings"] = st
    obj["columns"] = ProfileRow.legacyHeader
    try JSONSerialization.data(withJSONObject: obj).write(to: URL(fileURLWithPath: sidecarPath))
    XCTAssertThrowsError(try run([0, 1, 2])) { e in
      XCTAssertTrue("\(e)".contains("measurement.kind: sweeps → canary"), "\(e)")
    }
    builds = []
    let resumed = try run([0, 1, 2, 3], old)
    XCTAssertEqual(resumed.alreadyDone, 2)
    XCTAssertEqual(Set(builds), [2, 3])
    let text = try String(contentsOfFile: path, encoding: .utf8)
    XCTAssertTrue(text.hasPrefix(ProfileRow.legacyHeader + "\n"))
    XCTAssertEqual(try ProfileCSVFile.readRows(path: path).map(\.archIndex), [0, 1, 2, 3])
  }

  /// Every row of a canary session carries the session's final baseline, in the CSV as in memory.
  func testCanaryRowsShareTheFinalBaseline() throws {
    var s = settings()
    s.measurement.block = 1
    let out = try run([0, 1, 2, 3], s)
    let sidecar = try XCTUnwrap(try ProfileSidecar.load(path: ProfileSidecar.path(forCSV: path)))
    let baseline = try XCTUnwrap(sidecar.runs.last?.summary?.canary?.baselineMs)
    let rows = try ProfileCSVFile.readRows(path: path)
    XCTAssertEqual(rows.count, 4)
    for r in rows + out.outcome.rows {
      XCTAssertEqual(try XCTUnwrap(r.canaryMs), baseline, accuracy: 1e-6)
      XCTAssertEqual(r.latencyMs, try XCTUnwrap(r.canaryRatio) * baseline, accuracy: 1e-5)
    }
  }
}
