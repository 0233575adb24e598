import Foundation
import XCTest
@testable import SafeIO

final class AtomicFileTests: XCTestCase {
  var dir = ""

  override func setUpWithError() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("safeio-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

  private func listing() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir).sorted() }

  func testWritesReplacesAndLeavesNoTemporaryFile() throws {
    let path = dir + "/a.txt"
    try AtomicFile.write("one", to: path)
    try AtomicFile.write("two", to: path)
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "two")
    XCTAssertEqual(try listing(), ["a.txt"])
  }

  /// The old writers used ".NAME.tmp-<pid>": a symlink planted there redirected the write to any file.
  func testPlantedSymlinkAtOldPredictableNameIsNotFollowed() throws {
    let victim = dir + "/victim"
    try "precious".write(toFile: victim, atomically: false, encoding: .utf8)
    let path = dir + "/out.json"
    try FileManager.default.createSymbolicLink(atPath: dir + "/.out.json.tmp-\(getpid())", withDestinationPath: victim)
    try AtomicFile.write("new", to: path)
    XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "precious")
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "new")
  }

  /// A symlink at the target itself is replaced by the new file; what it pointed to is untouched.
  func testSymlinkAtTargetIsReplacedNotWrittenThrough() throws {
    let victim = dir + "/victim"
    try "precious".write(toFile: victim, atomically: false, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: victim)
    try AtomicFile.write("new", to: dir + "/link")
    XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "precious")
  }

  func testTemporaryNamesAreRandomAndFitNameMax() {
    let long = String(repeating: "é", count: 127)  // 254 bytes
    let a = AtomicFile.temporaryName(for: long), b = AtomicFile.temporaryName(for: long)
    XCTAssertNotEqual(a, b)
    XCTAssertLessThanOrEqual(a.utf8.count, 255)
    XCTAssertTrue(a.hasPrefix(".é") && a.hasSuffix(".tmp"))
  }

  /// 255-byte names failed before: the ".tmp-<pid>" suffix made the temporary name too long.
  func testLongestNameWrites() throws {
    let path = dir + "/" + String(repeating: "n", count: 255)
    try AtomicFile.write("x", to: path)
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "x")
    XCTAssertEqual(try listing().count, 1)
  }

  func testTooLongNameAndMissingFolderAreClearErrors() throws {
    XCTAssertThrowsError(try AtomicFile.write("x", to: dir + "/" + String(repeating: "n", count: 256))) { e in
      XCTAssertTrue("\(e)".contains("at most 255"), "\(e)")
    }
    XCTAssertThrowsError(try AtomicFile.write("x", to: dir + "/missing/f")) { e in
      XCTAssertEqual((e as? IOFailure)?.code, ENOENT)
      XCTAssertTrue("\(e)".contains("no such file or directory (ENOENT)"), "\(e)")
    }
    XCTAssertThrowsError(try AtomicFile.checkName(dir + "/" + String(repeating: "n", count: 251), reserving: 5))
  }

  func testNoSpaceIsReportedAsSuch() {
    let e = IOFailure(action: "write", path: "f", code: ENOSPC)
    XCTAssertTrue(e.isNoSpace)
    XCTAssertEqual(e.description, "cannot write f: no space left on device (ENOSPC)")
  }

  func testAppendWritesHeaderOnce() throws {
    let path = dir + "/l.csv"
    try AppendFile.append("1\n", to: path, header: "h\n")
    try AppendFile.append("2\n", to: path, header: "h\n")
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "h\n1\n2\n")
  }

  /// flock locks belong to an open file description, so a second acquire fails even in the same process.
  func testSecondLockIsRefusedUntilReleased() throws {
    let path = dir + "/p.csv"
    let first = try FileLock.acquire(path)
    XCTAssertThrowsError(try FileLock.acquire(path)) { e in
      XCTAssertTrue(e is FileLock.Busy, "\(e)")
      XCTAssertTrue("\(e)".contains("in use by another helpprof process"), "\(e)")
    }
    first.release()
    let again = try FileLock.acquire(path)
    again.release()
  }
}
