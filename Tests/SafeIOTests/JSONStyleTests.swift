import Foundation
import XCTest
@testable import SafeIO

final class JSONStyleTests: XCTestCase {
  func testKeysRoundTripIncludingAcronyms() {
    let cases = ["allowedCPUs": "allowed_cpus", "logicalCPUs": "logical_cpus", "megaMACs": "mega_macs",
                 "targetRelativeIQR": "target_relative_iqr", "papiMaxMHz": "papi_max_mhz", "openBLASCore": "open_blas_core",
                 "openBLAS": "open_blas", "metaPredictorID": "meta_predictor_id", "keepBN": "keep_bn", "hasSE": "has_se",
                 "p10Ms": "p10_ms", "schemaVersion": "schema_version", "samplesMs": "samples_ms", "pinnedCPU": "pinned_cpu",
                 "perCPUBusy": "per_cpu_busy", "medianRelativeCI": "median_relative_ci", "share": "share"]
    for (camel, snake) in cases {
      XCTAssertEqual(JSONStyle.snake(camel), snake, camel)
      XCTAssertEqual(JSONStyle.camel(snake), camel, snake)
    }
    for kept in ["PAPI_TOT_CYC", "median_ms", "titan_rtx_256x", "Pixel2", "1080ti_1", "a-b"] {
      XCTAssertEqual(JSONStyle.snake(kept), kept)
    }
    XCTAssertEqual(JSONStyle.camel("PAPI_TOT_CYC"), "PAPI_TOT_CYC")
    // Files written before "CI" joined the acronyms spell it c_i; they still decode to the same property.
    XCTAssertEqual(JSONStyle.camel("target_relative_c_i"), "targetRelativeCI")
  }

  struct Sample: Codable, Equatable {
    var allowedCPUs: [Int]
    var keepBN: Bool
    var counters: [String: Double]
  }

  func testEncoderWritesSnakeAndDecoderReadsBothStyles() throws {
    let s = Sample(allowedCPUs: [0, 1], keepBN: true, counters: ["PAPI_TOT_CYC": 3])
    let text = String(decoding: try JSONStyle.encoder().encode(s), as: UTF8.self)
    XCTAssertTrue(text.contains("\"allowed_cpus\"") && text.contains("\"keep_bn\"") && text.contains("PAPI_TOT_CYC"), text)
    XCTAssertEqual(try JSONStyle.decoder().decode(Sample.self, from: Data(text.utf8)), s)
    let old = #"{"allowedCPUs": [0, 1], "keepBN": true, "counters": {"PAPI_TOT_CYC": 3}}"#
    XCTAssertEqual(try JSONStyle.decoder().decode(Sample.self, from: Data(old.utf8)), s)
  }
}
