import Foundation
import XCTest
@testable import SearchSpace

/// HELP's Gold 6226 search result (spec B7), used across the OFA tests.
let goldConfigKS = [3, 3, 5, 7, 3, 3, 5, 3, 7, 7, 3, 7, 3, 7, 5, 5, 3, 3, 5, 5]
let goldConfigE = [3, 3, 4, 3, 6, 4, 3, 4, 6, 4, 6, 6, 6, 4, 4, 6, 6, 6, 6, 3]
func goldConfig(_ width: OFAWidth = .w10) -> OFAConfig {
  OFAConfig(ks: goldConfigKS, e: goldConfigE, d: [2, 2, 2, 3, 3], resolution: 224, width: width)
}

final class OFAConfigTests: XCTestCase {
  func assertInvalid(_ c: OFAConfig, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try c.validate(), file: file, line: line) { error in
      XCTAssertEqual((error as? SearchSpaceError)?.message, message, file: file, line: line)
    }
  }

  func testValidationErrors() {
    var c = goldConfig()
    XCTAssertNoThrow(try c.validate())
    XCTAssertTrue(c.isValid)
    c.resolution = 130
    assertInvalid(c, "resolution 130 is off the grid: expected 128, 132, ..., 224")
    c = goldConfig(); c.resolution = 228
    assertInvalid(c, "resolution 228 is off the grid: expected 128, 132, ..., 224")
    c = goldConfig(); c.ks.removeLast()
    assertInvalid(c, "ks has 19 values: expected 20 (one kernel size per block slot)")
    c = goldConfig(); c.e.append(3)
    assertInvalid(c, "e has 21 values: expected 20 (one expand ratio per block slot)")
    c = goldConfig(); c.d = [2, 2, 2, 3]
    assertInvalid(c, "d has 4 values: expected 5 (one depth per stage)")
    c = goldConfig(); c.d[1] = 5
    assertInvalid(c, "d[1] = 5 is not a stage depth: expected 2, 3 or 4")
    c = goldConfig(); c.ks[1] = 4
    assertInvalid(c, "ks[1] = 4 is not a kernel size: expected 3, 5 or 7")
    c = goldConfig(); c.e[19] = 5  // inactive slot: still checked
    assertInvalid(c, "e[19] = 5 is not an expand ratio: expected 3, 4 or 6 (or 0 in an inactive slot)")
  }

  func testZeroOnlyInInactiveSlots() {
    var c = goldConfig()
    c.ks[3] = 0; c.e[3] = 0  // stage 1 has depth 2: slot 3 inactive
    XCTAssertNoThrow(try c.validate())
    c.ks[1] = 0
    assertInvalid(c, "ks[1] = 0 is not a kernel size: expected 3, 5 or 7")
  }

  func testWidthsAndMakeDivisible() {
    XCTAssertEqual(OFASpace.channels(.w10), [16, 16, 24, 40, 80, 112, 160, 960, 1280])
    XCTAssertEqual(OFASpace.channels(.w12), [24, 24, 32, 48, 96, 136, 192, 1152, 1536])
    XCTAssertEqual(OFASpace.makeDivisible(19.2), 24)  // 16 < 0.9·19.2 → +8
    XCTAssertEqual(OFASpace.makeDivisible(134.4), 136)
    XCTAssertEqual(OFASpace.makeDivisible(3), 8)
    XCTAssertEqual(OFASpace.resolutions.count, 25)
    XCTAssertEqual(try OFAWidth(parsing: "1.2"), .w12)
    XCTAssertThrowsError(try OFAWidth(parsing: "1.5")) { error in
      XCTAssertEqual((error as? SearchSpaceError)?.message, "width '1.5' is not an OFA width: expected 1.0 or 1.2")
    }
  }

  func testTextFormRoundTrip() throws {
    let c = goldConfig(.w12)
    XCTAssertEqual(c.text, "r=224 w=1.2 d=2,2,2,3,3 ks=3,3,5,7,3,3,5,3,7,7,3,7,3,7,5,5,3,3,5,5 "
                     + "e=3,3,4,3,6,4,3,4,6,4,6,6,6,4,4,6,6,6,6,3")
    XCTAssertEqual(try OFAConfig(text: c.text), c)
    XCTAssertEqual("\(c)", c.text)
    for config in OFAConfig.sample(count: 50, seed: 7, width: .w12) {
      XCTAssertEqual(try OFAConfig(text: config.text), config)
    }
    // Any order, w optional (defaults to 1.0), tabs allowed.
    let shuffled = "e=\(goldConfigE.map(String.init).joined(separator: ","))\tks=\(goldConfigKS.map(String.init).joined(separator: ",")) d=2,2,2,3,3 r=224"
    XCTAssertEqual(try OFAConfig(text: shuffled), goldConfig(.w10))
  }

  func assertTextError(_ text: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try OFAConfig(text: text), file: file, line: line) { error in
      XCTAssertEqual((error as? SearchSpaceError)?.message, message, file: file, line: line)
    }
  }

  func testTextFormErrors() {
    let good = goldConfig().text
    assertTextError("", "empty OFA config: expected 'r=224 w=1.0 d=4,4,4,4,4 ks=<20 values> e=<20 values>'")
    assertTextError(good + " x=1", "unknown OFA config key 'x': expected r, w, d, ks or e")
    assertTextError(good + " r=224", "OFA config key 'r' given twice: expected each of r, w, d, ks, e once")
    assertTextError(good.replacingOccurrences(of: "r=224", with: "r=130"),
                    "resolution 130 is off the grid: expected 128, 132, ..., 224")
    assertTextError(good.replacingOccurrences(of: "r=224", with: "r=big"),
                    "resolution 'big' is not an integer: expected 128, 132, ..., 224")
    assertTextError(good.replacingOccurrences(of: "d=2,2,2,3,3", with: "d=2,2,x,3,3"), "d item 2 'x' is not an integer")
    assertTextError(good.replacingOccurrences(of: "d=2,2,2,3,3", with: "d=2,2,2,3"),
                    "d has 4 values: expected 5 (one depth per stage)")
    assertTextError(good.replacingOccurrences(of: "w=1.0", with: "w=2"), "width '2' is not an OFA width: expected 1.0 or 1.2")
    assertTextError("r=224 d=2,2,2,2,2", "OFA config lacks 'ks=': expected r, d, ks and e (w optional)")
    assertTextError("r=224 junk", "OFA config item 'junk' has no '=': expected key=value with key r, w, d, ks or e")
  }

  func testJSONRoundTrip() throws {
    let c = goldConfig(.w12)
    let data = try JSONEncoder().encode(c)
    let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    XCTAssertEqual(Set(object.keys), ["ks", "e", "d", "resolution", "width"])
    XCTAssertEqual(object["width"] as? String, "1.2")
    XCTAssertEqual(try JSONDecoder().decode(OFAConfig.self, from: data), c)
  }

  func testJSONDictSpellings() throws {
    let ks = goldConfigKS.map(String.init).joined(separator: ",")
    let e = goldConfigE.map(String.init).joined(separator: ",")
    // HELP: r is an int, wid null; OFA tutorial: r is a one-element list; numeric width.
    let help = #"{"wid": null, "ks": [\#(ks)], "e": [\#(e)], "d": [2,2,2,3,3], "r": 224}"#
    XCTAssertEqual(try JSONDecoder().decode(OFAConfig.self, from: Data(help.utf8)), goldConfig(.w10))
    let tutorial = #"{"ks": [\#(ks)], "e": [\#(e)], "d": [2,2,2,3,3], "r": [224], "width": 1.2}"#
    XCTAssertEqual(try JSONDecoder().decode(OFAConfig.self, from: Data(tutorial.utf8)), goldConfig(.w12))
    let badWidth = #"{"ks": [\#(ks)], "e": [\#(e)], "d": [2,2,2,3,3], "resolution": 224, "width": "1.1"}"#
    XCTAssertThrowsError(try JSONDecoder().decode(OFAConfig.self, from: Data(badWidth.utf8)))
    let twoR = #"{"ks": [\#(ks)], "e": [\#(e)], "d": [2,2,2,3,3], "r": [224, 192]}"#
    XCTAssertThrowsError(try JSONDecoder().decode(OFAConfig.self, from: Data(twoR.utf8)))
  }

  func testCSVRows() throws {
    // First two data rows of ofa_archs.csv (HELP's archs), with a CRLF ending on the first.
    let (i0, c0) = try OFAConfig.parseCSVRow(
      "0,204,2-2-2-2-3,7-5-5-5-7-7-5-7-5-7-3-7-5-3-7-3-5-3-5-3,6-4-4-6-6-3-4-3-3-6-3-3-3-6-3-4-6-4-3-6\r")
    XCTAssertEqual(i0, 0)
    XCTAssertEqual(c0.resolution, 204)
    XCTAssertEqual(c0.d, [2, 2, 2, 2, 3])
    XCTAssertEqual(c0.ks[0], 7)
    XCTAssertEqual(c0.e[19], 6)
    XCTAssertEqual(c0.width, .w12)
    XCTAssertEqual(c0.csvFields, "204,2-2-2-2-3,7-5-5-5-7-7-5-7-5-7-3-7-5-3-7-3-5-3-5-3,6-4-4-6-6-3-4-3-3-6-3-3-3-6-3-4-6-4-3-6")
    let c1 = try OFAConfig(csvResolution: "136", d: "2-3-4-3-4", ks: "7-3-5-3-3-7-3-7-3-7-3-7-3-7-7-3-5-5-7-3",
                           e: "4-6-3-4-4-4-4-6-3-6-6-4-4-6-6-4-3-6-6-4", width: .w10)
    XCTAssertEqual(c1.d, [2, 3, 4, 3, 4])
    XCTAssertEqual(c1.width, .w10)
    XCTAssertThrowsError(try OFAConfig.parseCSVRow("0,204,2-2-2-2-3")) { error in
      XCTAssertEqual((error as? SearchSpaceError)?.message,
                     "OFA CSV row has 3 fields: expected 5 (arch_index,resolution,d,ks,e)")
    }
    XCTAssertThrowsError(try OFAConfig(csvResolution: "200", d: "2-2-2-2", ks: c1.ks.map(String.init).joined(separator: "-"),
                                       e: c1.e.map(String.init).joined(separator: "-")))
  }

  func testSamplingIsSeededUniformAndValid() throws {
    let a = OFAConfig.sample(count: 3000, seed: 42)
    XCTAssertEqual(a, OFAConfig.sample(count: 3000, seed: 42))
    XCTAssertNotEqual(a[0], OFAConfig.sample(count: 1, seed: 43)[0])
    var rng = SplitMix64(seed: 42)
    XCTAssertEqual(OFAConfig.random(using: &rng), a[0])
    var resolutions: [Int: Int] = [:], depths: [Int: Int] = [:], kernels: [Int: Int] = [:], expands: [Int: Int] = [:]
    for c in a {
      XCTAssertNoThrow(try c.validate())
      XCTAssertEqual(c.width, .w10)
      resolutions[c.resolution, default: 0] += 1
      for v in c.d { depths[v, default: 0] += 1 }
      for v in c.ks { kernels[v, default: 0] += 1 }
      for v in c.e { expands[v, default: 0] += 1 }
    }
    XCTAssertEqual(Set(resolutions.keys), Set(OFASpace.resolutions))
    // 3000 draws over 25 sizes: 120 expected each; a uniform sampler stays well inside 60...180.
    for (_, n) in resolutions { XCTAssertTrue((60...180).contains(n), "resolution count \(n)") }
    for (_, n) in depths { XCTAssertTrue((4500...5500).contains(n), "depth count \(n)") }  // 15000 draws / 3
    for (_, n) in kernels { XCTAssertTrue((19_000...21_000).contains(n), "kernel count \(n)") }  // 60000 / 3
    for (_, n) in expands { XCTAssertTrue((19_000...21_000).contains(n), "expand count \(n)") }
    XCTAssertEqual(OFAConfig.sample(count: 2, seed: 1, width: .w12).map(\.width), [.w12, .w12])
  }
}

/// Configs that differ only in inactive slots are one network (issue 14 item 8: the NAS example's "top 3" were one).
final class OFACanonicalTests: XCTestCase {
  func testInactiveSlotsDoNotMakeADifferentConfig() throws {
    let d = [2, 3, 4, 2, 3]
    var ks = Array(repeating: 5, count: 20), e = Array(repeating: 4, count: 20)
    let a = OFAConfig(ks: ks, e: e, d: d, resolution: 224, width: .w12)
    ks[3] = 7; e[3] = 6  // stage 0 slot 3: inactive (d = 2)
    ks[19] = 3  // stage 4 slot 3: inactive (d = 3)
    let b = OFAConfig(ks: ks, e: e, d: d, resolution: 224, width: .w12)
    XCTAssertNotEqual(a.text, b.text)
    XCTAssertEqual(a, b)
    XCTAssertEqual(a.hashValue, b.hashValue)
    XCTAssertEqual(a.canonicalText, b.canonicalText)
    XCTAssertEqual(Set([a, b]).count, 1)
    XCTAssertEqual(try OFAConfig(text: b.canonicalText), a, "the canonical text parses back")
    XCTAssertEqual(try a.cost().macs, try b.cost().macs)
    var c = ks
    c[0] = 3  // active slot
    XCTAssertNotEqual(OFAConfig(ks: c, e: e, d: d, resolution: 224, width: .w12), b)
    XCTAssertNotEqual(OFAConfig(ks: ks, e: e, d: d, resolution: 224, width: .w10), b, "width matters")
  }
}
