import Foundation
@testable import Profiler
import XCTest

/// Sidecars are written in snake_case (one JSON style) and the camelCase sidecars of profiles/pool still load.
final class SidecarStyleTests: XCTestCase {
  let pool = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("profiles/pool")

  func testPoolSidecarsLoadAndRoundTripInSnakeCase() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: pool.path).filter { $0.hasSuffix(".csv.json") }.sorted()
    XCTAssertFalse(names.isEmpty)
    for name in names.prefix(3) {
      let old = try XCTUnwrap(try ProfileSidecar.load(path: pool.appendingPathComponent(name).path), name)
      let text = String(decoding: try old.encoded(), as: UTF8.self)
      XCTAssertTrue(text.contains("\"already_done\"") && !text.contains("\"alreadyDone\""), name)
      let dir = try XCTUnwrap(FileManager.default.temporaryDirectory.appendingPathComponent("sidecar-\(UUID().uuidString)"))
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: dir) }
      let path = dir.appendingPathComponent("p.csv.json").path
      try text.write(toFile: path, atomically: false, encoding: .utf8)
      let again = try XCTUnwrap(try ProfileSidecar.load(path: path))
      XCTAssertEqual(ProfileSidecar.differences(old.settings, again.settings), [], name)
      XCTAssertEqual(again.device, old.device)
      XCTAssertEqual(again.runs.count, old.runs.count)
      XCTAssertEqual(String(decoding: try again.encoded(), as: UTF8.self), text, name)
    }
  }
}
