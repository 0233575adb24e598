import Foundation
import Runtime
import XCTest

/// The built-in kernel configurations mirror kernels/configs/*.json exactly.
final class KernelConfigTests: XCTestCase {
  func testJSONFilesMatchBuiltInTable() throws {
    let dir = repositoryRoot.appendingPathComponent("kernels/configs")
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
    XCTAssertEqual(Set(files.map { String($0.dropLast(5)) }), Set(KernelConfig.availableNames))
    for file in files {
      let loaded = try KernelConfig.load(from: dir.appendingPathComponent(file))
      XCTAssertEqual(loaded.name + ".json", file)
      XCTAssertEqual(try KernelConfig.named(loaded.name), loaded, file)
    }
  }

  func testRequiredNamesExist() throws {
    for name in ["reference", "openblas", "simd", "default"] { XCTAssertEqual(try KernelConfig.named(name).name, name) }
    XCTAssertEqual(KernelConfig.standard.name, "default")
    XCTAssertEqual(RuntimeOptions().kernels.name, "default")
  }

  func testUnknownNameListsKnownOnes() {
    XCTAssertThrowsError(try KernelConfig.named("fastest")) { error in
      let text = "\(error)"
      XCTAssertTrue(text.contains("fastest") && text.contains("reference") && text.contains("default"), text)
    }
  }

  func testRuntimeInfo() {
    XCTAssertFalse(RuntimeInfo.openBLASCoreName.isEmpty)
    XCTAssertTrue(["avx512", "avx2+fma", "portable"].contains(RuntimeInfo.simdLevel))
    RuntimeInfo.configureOpenBLAS(threads: 1)
    XCTAssertEqual(RuntimeInfo.openBLASThreads, 1)
  }
}
