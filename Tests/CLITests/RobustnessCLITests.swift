import Foundation
import XCTest

/// Issue 14: crashes and sharp edges a hostile or new user hits (full disks, long names, concurrent runs, ...).
final class RobustnessCLITests: XCTestCase {
  static let fixtureDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("tools/tests/fixtures")
  static var nb201Predictor: String { fixtureDir.appendingPathComponent("nb201-test.helpp").path }

  /// Before: `host` exited 0 with its output lost; FileHandle-based writers trapped (exit 132).
  func testFullStdoutIsExitOneWithMessage() throws {
    for args in [["host", "--sample-seconds", "0"], ["host", "--json", "--sample-seconds", "0"],
                 ["arch", "nb201", "--index", "3", "--json"],
                 ["predict", "--predictor", Self.nb201Predictor, "--all"]] {
      let r = try runHelpprof(args, stdoutPath: "/dev/full")
      XCTAssertEqual(r.status, 1, "\(args): \(r.stderr)")
      XCTAssertTrue(r.stderr.contains("cannot write standard output: no space left on device (ENOSPC)"),
                    "\(args): \(r.stderr)")
    }
  }

  /// `predict --all --out F` writes the whole file or nothing (a shell redirect cannot).
  func testPredictOutWritesWholeFileAtomically() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("all.json").path
    let r = try runHelpprof(["predict", "--predictor", Self.nb201Predictor, "--all", "--json", "--out", out])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(r.stdout, "")
    let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [Any])
    XCTAssertEqual(rows.count, 15_625)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["all.json"])
    let bad = try runHelpprof(["predict", "--predictor", Self.nb201Predictor, "--all", "--out",
                               dir.appendingPathComponent("missing/all.txt").path])
    XCTAssertEqual(bad.status, 1, bad.stderr)
    XCTAssertTrue(bad.stderr.contains("no such file or directory"), bad.stderr)
  }

  // MARK: profile outputs (items 6, 16)

  let fast = fastProfileOptions

  /// Before: both runs appended every arch (duplicates) and could write the header twice.
  func testSecondProfileOnSameOutIsRefusedWhileFirstRuns() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("p.csv").path
    let first = try startHelpprof(["profile", "--space", "nb201", "--archs", "0-199", "--out", out] + fast,
                                  waitingFor: 2, in: out)
    defer { if first.isRunning { first.interrupt() }; first.waitUntilExit() }
    XCTAssertTrue(first.isRunning, "the first profile should still be running")
    let second = try runHelpprof(["profile", "--space", "nb201", "--archs", "0-199", "--out", out] + fast)
    XCTAssertEqual(second.status, 1, second.stderr)
    XCTAssertTrue(second.stderr.contains("is being written by another helpprof profile"), second.stderr)
    first.interrupt()
    first.waitUntilExit()
    let text = try String(contentsOfFile: out, encoding: .utf8)
    XCTAssertEqual(text.components(separatedBy: "source,device,dataset").count - 1, 1, "exactly one header")
    let rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[3] }
    XCTAssertEqual(Set(rows).count, rows.count, "no arch twice")
  }

  /// Before: a 251–255-byte --out failed on the sidecar's temp name and left a header-only CSV behind.
  func testLongOutNamesFailCleanlyOrWork() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let tooLong = dir.appendingPathComponent(String(repeating: "a", count: 247) + ".csv").path  // sidecar 256
    let r = try runHelpprof(["profile", "--space", "nb201", "--archs", "0", "--out", tooLong] + fast)
    XCTAssertEqual(r.status, 64, r.stderr)
    XCTAssertTrue(r.stderr.contains("at most 250 bytes"), r.stderr)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "nothing left behind")
    let longest = dir.appendingPathComponent(String(repeating: "b", count: 246) + ".csv").path  // sidecar 255
    let ok = try runHelpprof(["profile", "--space", "nb201", "--archs", "0", "--out", longest] + fast)
    XCTAssertEqual(ok.status, 0, ok.stderr)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).count, 2, "CSV and sidecar only")
  }

  // MARK: bad options are refused, not ignored (items 7, 11, 16, 17)

  func testNumericAndIgnoredOptionsAreUsageErrors() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("p.csv").path
    let cases: [([String], String)] = [
      (["meta-train", "--outer-lr", "nan", "--episodes", "1"], "--outer-lr nan: expected a finite number"),
      (["meta-train", "--outer-lr", "-1", "--episodes", "1"], "--outer-lr -1.0: expected a finite number"),
      (["meta-train", "--mix-share", "inf", "--episodes", "1"], "--mix-share inf"),
      (["evaluate", "--budget", "1000000"], "--budget 1000000: expected 1...15625"),
      (["evaluate", "--steps", "4000"], "--steps 4000: expected 0...64"),
      (["adapt", "--steps", "1000"], "--steps 1000: expected 0...64"),
      (["run", "--space", "ofa", "--dataset", "cifar10", "--config", "r=224"], "--dataset 'cifar10' is for --space nb201"),
      (["profile", "--archs", "0", "--out", out, "--pin", "99999"], "--pin 99999: this process may run on CPUs"),
      (["arch", "nb201", "--index", "-1"], "index -1 out of range: expected 0...15624"),
      (["embed", "--samples", "100000000", "--out", dir.appendingPathComponent("d.json").path], "--samples 100000000"),
      (["profile", "--archs", "0", "--out", out, "--max-samples", "1000000000"], "--max-samples 1000000000"),
      (["predict", "--predictor", Self.nb201Predictor, "--index", "-1"], "--index -1 out of range"),
    ]
    for (args, message) in cases {
      let r = try runHelpprof(args)
      XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
      XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)")
      XCTAssertFalse(r.stderr.contains("Missing value"), "\(args): \(r.stderr)")
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: out), "a refused profile creates no CSV")
  }

  /// Before: embed exited 64 on an unknown kernel set only after writing a started device.json; meta-train
  /// found an unwritable --out only after training.
  func testOutputsAreCheckedBeforeWorkStarts() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let device = dir.appendingPathComponent("device.json").path
    let e = try runHelpprof(["embed", "--kernels", "foo", "--out", device, "--quiet"])
    XCTAssertEqual(e.status, 64, e.stderr)
    XCTAssertTrue(e.stderr.contains("kernels 'foo'"), e.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: device))
    let m = try runHelpprof(["meta-train", "--episodes", "50", "--out", dir.appendingPathComponent("missing/m.safetensors").path])
    XCTAssertEqual(m.status, 64, m.stderr)
    XCTAssertTrue(m.stderr.contains("no such file or directory"), m.stderr)
    XCTAssertFalse(m.stderr.contains("episodes"), "refused before training: \(m.stderr)")
  }

  /// Before: a device profile as --predictor gave "header length 7310014143394744955"; a folder gave
  /// "NSCocoaErrorDomain error 256"; a 112 KB config was echoed whole.
  func testErrorTextNamesTheProblem() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let device = dir.appendingPathComponent("device.json").path
    try #"{"format": "helpprof-device-profile", "schema_version": 1}"#.write(toFile: device, atomically: false, encoding: .utf8)
    let p = try runHelpprof(["predict", "--predictor", device, "--index", "1"])
    XCTAssertEqual(p.status, 65, p.stderr)
    XCTAssertTrue(p.stderr.contains("this is a device profile"), p.stderr)
    let e = try runHelpprof(["evaluate", "--model", device])
    XCTAssertEqual(e.status, 65, e.stderr)
    XCTAssertTrue(e.stderr.contains("this is a device profile"), e.stderr)
    XCTAssertEqual(e.stderr.components(separatedBy: "error:").count, 2, "one line: \(e.stderr)")
    let missing = try runHelpprof(["evaluate", "--model", dir.appendingPathComponent("none.safetensors").path])
    XCTAssertEqual(missing.status, 1, "a missing file is a run-time error, not bad data: \(missing.stderr)")
    XCTAssertTrue(missing.stderr.contains("no such file or directory (ENOENT)"), missing.stderr)
    let folder = try runHelpprof(["predict", "--predictor", dir.path, "--index", "1"])
    XCTAssertEqual(folder.status, 1, folder.stderr)
    XCTAssertTrue(folder.stderr.contains("is a directory (EISDIR)"), folder.stderr)
    XCTAssertFalse(folder.stderr.contains("NSCocoaErrorDomain"), folder.stderr)
    let big = "r=224 " + String(repeating: "x", count: 112_000)
    for args in [["arch", "ofa", "--config", big], ["predict", "--predictor",
                 Self.fixtureDir.appendingPathComponent("ofa-test.helpp").path, "--config", big]] {
      let r = try runHelpprof(args)
      XCTAssertEqual(r.status, 64, String(r.stderr.prefix(300)))
      XCTAssertLessThan(r.stderr.utf8.count, 600, String(r.stderr.prefix(300)))
      XCTAssertTrue(r.stderr.contains("(112000 characters)"), String(r.stderr.prefix(300)))
    }
  }

  /// Before: `*** buffer overflow detected ***` (exit 134) inside PAPI.
  func testHugeCounterNameIsAUsageError() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let name = String(repeating: "A", count: 9000)
    for args in [["host", "--sample-seconds", "0", "--counters", name],
                 ["profile", "--archs", "0", "--out", dir.appendingPathComponent("c.csv").path, "--counters", name]] {
      let r = try runHelpprof(args)
      XCTAssertEqual(r.status, 64, String(r.stderr.prefix(300)))
      XCTAssertTrue(r.stderr.contains("counter name of 9000 characters"), String(r.stderr.prefix(300)))
    }
  }

  // MARK: a copied or installed binary (item 13)

  /// Before: a copied binary died with SIGILL in SwiftPM's Bundle.module accessor; `evaluate` from another folder
  /// found no datasets.
  func testCopiedBinaryFailsClearlyAndFindsFilesWhereTold() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let bin = dir.appendingPathComponent("bin")
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    let exe = bin.appendingPathComponent("helpprof")
    try FileManager.default.copyItem(at: productsDirectory.appendingPathComponent("helpprof"), to: exe)
    let bare = try runHelpprof(["evaluate", "--seeds", "1", "--budget", "12", "--data-dir", repoDatasets],
                               executable: exe, currentDirectory: dir)
    XCTAssertNotEqual(bare.status, 0)
    XCTAssertLessThan(bare.status, 128, "no signal: \(bare.stderr)")
    XCTAssertTrue(bare.stderr.contains("nb201-meta.safetensors was not found"), bare.stderr)
    let noData = try runHelpprof(["evaluate", "--seeds", "1"], executable: exe, currentDirectory: dir)
    XCTAssertEqual(noData.status, 65, noData.stderr)
    XCTAssertTrue(noData.stderr.contains("HELPPROF_DATA_DIR"), noData.stderr)
    // The install layout: PREFIX/bin/helpprof + PREFIX/share/helpprof/{Resources,datasets}.
    let share = dir.appendingPathComponent("share/helpprof")
    try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: productsDirectory.appendingPathComponent("helpprof_Predictor.resources/Resources"),
                                     to: share.appendingPathComponent("Resources"))
    try FileManager.default.copyItem(atPath: repoDatasets, toPath: share.appendingPathComponent("datasets").path)
    let installed = try runHelpprof(["list", "--json"], executable: exe, currentDirectory: FileManager.default.temporaryDirectory)
    XCTAssertEqual(installed.status, 0, installed.stderr)
    let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(installed.stdout.utf8)) as? [String: Any])
    XCTAssertEqual((obj["meta_predictors"] as? [[String: Any]])?.count, 2, installed.stdout)
    XCTAssertEqual((obj["devices"] as? [String: Any])?.count, 2, installed.stdout)
    XCTAssertEqual((obj["notes"] as? [String])?.count, 0, installed.stdout)
  }

  var repoDatasets: String {
    Self.fixtureDir.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("profiles/datasets").path
  }
}
