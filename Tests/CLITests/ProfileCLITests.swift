import Foundation
import XCTest

/// `helpprof host` and `helpprof profile` end to end (the built binary), incl. kill -9 / Ctrl-C resume.
final class ProfileCLITests: XCTestCase {
  /// Small, fast protocol so debug builds finish in seconds; counters off, no pinning.
  let fast = ["--max-seconds", "0.03", "--min-samples", "3", "--samples-per-round", "3", "--window", "2", "--block", "2",
              "--pin", "none", "--counters", "none", "--quiet"]

  func testHostJSON() throws {
    let r = try runHelpprof(["host", "--json", "--sample-seconds", "0"])
    XCTAssertEqual(r.status, 0, r.stderr)
    let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    XCTAssertNotNil(obj["cpu"])
    XCTAssertNotNil(obj["papi"])
    XCTAssertNotNil(obj["warnings"])
    let text = try runHelpprof(["host", "--sample-seconds", "0"])
    XCTAssertEqual(text.status, 0)
    XCTAssertTrue(text.stdout.contains("openblas"))
    XCTAssertEqual(try runHelpprof(["host", "--sample-seconds", "-1"]).status, 64)
  }

  func testProfileWritesCSVAndSidecarAndResumes() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("p.csv").path
    let r = try runHelpprof(["profile", "--space", "nb201", "--archs", "0-2", "--out", out, "--json"] + fast)
    XCTAssertEqual(r.status, 0, r.stderr)
    let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
    XCTAssertEqual(lines.count, 4)
    XCTAssertTrue(lines[0].hasPrefix("source,device,dataset,arch_index,arch_str,latency_ms,p10_ms,p90_ms,iqr_ms,min_ms,n,noisy"))
    XCTAssertTrue(lines[1].hasPrefix("helpprof,helpprof-"))
    let sidecar = try XCTUnwrap(try JSONSerialization.jsonObject(
      with: Data(contentsOf: URL(fileURLWithPath: out + ".json"))) as? [String: Any])
    XCTAssertEqual(sidecar["format"] as? String, "helpprof-profile-1")
    XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])

    // Same command again: nothing new to do.
    let again = try runHelpprof(["profile", "--space", "nb201", "--archs", "0-2", "--out", out] + fast)
    XCTAssertEqual(again.status, 0, again.stderr)
    XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").count, 4)

    // Different settings: refused with a usage error naming the difference.
    let other = try runHelpprof(["profile", "--space", "nb201", "--archs", "0-3", "--out", out, "--threads", "2",
                                 "--device", "x"] + fast)
    XCTAssertEqual(other.status, 64)
    XCTAssertTrue(other.stderr.contains("cannot resume"), other.stderr)
  }

  func testKillNineThenTornLineThenResume() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("k.csv").path
    let args = ["profile", "--space", "nb201", "--archs", "0-11", "--out", out] + fast
    let p = try startHelpprof(args, waitingFor: 3, in: out)
    if p.isRunning { kill(p.processIdentifier, SIGKILL) }
    p.waitUntilExit()
    // Append a torn row as if the kill hit mid-write.
    let h = try XCTUnwrap(FileHandle(forWritingAtPath: out))
    h.seekToEndOfFile()
    h.write(Data("helpprof,dev,cifar10,11,|nor_conv".utf8))
    h.closeFile()
    let r = try runHelpprof(args)
    XCTAssertEqual(r.status, 0, r.stderr)
    let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst()
    let indices = rows.map { $0.split(separator: ",")[3] }.compactMap { Int($0) }
    XCTAssertEqual(indices.sorted(), Array(0...11), "every arch exactly once")
  }

  func testInterruptExitsWith130AndKeepsRows() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("i.csv").path
    let p = Process()
    p.executableURL = productsDirectory.appendingPathComponent("helpprof")
    p.arguments = ["profile", "--space", "nb201", "--archs", "0-199", "--out", out] + fast
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
      let n = (try? String(contentsOfFile: out, encoding: .utf8))?.split(separator: "\n").count ?? 0
      if n >= 2 { break }
      usleep(5_000)
    }
    p.interrupt()
    let msg = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    XCTAssertEqual(p.terminationStatus, 130, msg)
    XCTAssertTrue(msg.contains("resume"), msg)
    let text = try String(contentsOfFile: out, encoding: .utf8)
    XCTAssertTrue(text.hasSuffix("\n"))
  }

  func testBadInputsAreUsageErrors() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("b.csv").path
    for args in [["--archs", "20000"], ["--archs", "5-2"], ["--sample", "3", "--archs", "1"],
                 ["--archs", "1", "--kernels", "nope"], ["--archs", "1", "--metric", "x"],
                 ["--archs", "1", "--space", "imagenet"], ["--archs", "1", "--dataset", "mnist"]] {
      let r = try runHelpprof(["profile", "--out", out] + args + fast)
      XCTAssertEqual(r.status, 64, "\(args): \(r.stderr)")
      XCTAssertTrue(r.stderr.contains("error"), r.stderr)
    }
  }
}
