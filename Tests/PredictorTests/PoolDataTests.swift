import Foundation
import XCTest

/// The source-device pool after the runtime defect of c1031b1 (profiles/pool/README.md, "Runtime defect"): rows
/// timed on networks that computed wrong outputs were moved to `excluded/*-defect.csv`, unchanged. These checks keep
/// the split honest: no moved row comes back into the pool, none is lost, and the references stay measured.
final class PoolDataTests: XCTestCase {
  let pool = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("profiles/pool")

  /// Arch indices of a profiler CSV (`arch_index` is the fourth column; arch strings hold no commas).
  func archIndices(_ url: URL) throws -> [Int] {
    let text = try String(contentsOf: url, encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
    let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false)
    XCTAssertEqual(header.count > 3 ? String(header[3]) : "", "arch_index", url.lastPathComponent)
    return try lines.map { line in
      let fields = line.split(separator: ",", maxSplits: 4, omittingEmptySubsequences: false)
      return try XCTUnwrap(fields.count > 3 ? Int(fields[3]) : nil, "\(url.lastPathComponent): \(line.prefix(60))")
    }
  }

  func testDefectRowsAreOutOfThePoolAndNoneIsLost() throws {
    let excluded = pool.appendingPathComponent("excluded")
    let moved = try FileManager.default.contentsOfDirectory(atPath: excluded.path)
      .filter { $0.hasPrefix("nb201-") && $0.hasSuffix("-defect.csv") }.sorted()
    XCTAssertEqual(moved.count, 8, "one defect file per AMD NB201 configuration")
    let list = try String(contentsOf: pool.appendingPathComponent("nb201-archs.txt"), encoding: .utf8)
      .split(whereSeparator: \.isNewline).compactMap { Int($0) }
    XCTAssertEqual(list.count, 3000)
    for name in moved {
      let poolName = name.replacingOccurrences(of: "-defect.csv", with: ".csv")
      let kept = try archIndices(pool.appendingPathComponent(poolName))
      let out = try archIndices(excluded.appendingPathComponent(name))
      XCTAssertFalse(out.isEmpty, name)
      XCTAssertTrue(Set(kept).isDisjoint(with: out), "\(poolName) still holds rows moved to \(name)")
      XCTAssertEqual(kept.count + out.count, list.count, poolName)
      XCTAssertEqual(Set(kept).union(out), Set(list), poolName)
    }
  }

  func testEveryNB201PoolFileMeasuresTheBundledReferences() throws {
    let refs = [1462, 14418, 14314, 9550, 9574, 12172, 4002, 3138, 13078, 4939]
    let files = try FileManager.default.contentsOfDirectory(atPath: pool.path)
      .filter { $0.hasPrefix("nb201-") && $0.hasSuffix(".csv") }
    XCTAssertEqual(files.count, 9)
    for f in files {
      let measured = Set(try archIndices(pool.appendingPathComponent(f)))
      XCTAssertEqual(refs.filter { !measured.contains($0) }, [], f)
    }
  }
}
