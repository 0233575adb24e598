import Foundation
import Runtime
import SearchSpace
import XCTest

/// Whole networks: MACs against SearchSpace's counts, all kernel configurations agree, determinism,
/// BN folding, dead-op pruning, layer timing and the graph dump.
final class NetworkTests: XCTestCase {
  let cells: [[Int]] = [[3, 3, 4, 1, 3, 1], [4, 2, 1, 2, 1, 1], [0, 0, 0, 0, 0, 0], [3, 0, 0, 3, 3, 3],
                        [2, 0, 2, 0, 2, 2]]

  func testNB201MACsMatchSearchSpace() throws {
    let cell = try XCTUnwrap(NB201Cell(codes: [3, 3, 4, 1, 3, 1]))  // NB201 index 1
    let net = try Network.nb201(cell, dataset: .cifar10, options: RuntimeOptions())
    XCTAssertEqual(net.macs, 113_951_370)
    for codes in cells {
      let c = try XCTUnwrap(NB201Cell(codes: codes))
      for ds in NB201Dataset.allCases {
        XCTAssertEqual(try Network.nb201(c, dataset: ds, options: RuntimeOptions()).macs,
                       NB201Cost(cell: c, dataset: ds).macs, "\(codes) \(ds)")
      }
      let pruned = try Network.nb201(c, dataset: .cifar10, options: RuntimeOptions(pruneDeadOps: true))
      XCTAssertEqual(pruned.macs, NB201Cost(cell: c, dataset: .cifar10, liveOnly: true).macs, "\(codes) pruned")
    }
  }

  func testOFAMACsMatchSearchSpace() throws {
    // Spec B7 worked example: 220,435,296 MACs for w1.0 at r = 224.
    let example = OFAConfig(ks: [3, 3, 5, 7, 3, 3, 5, 3, 7, 7, 3, 7, 3, 7, 5, 5, 3, 3, 5, 5],
                            e: [3, 3, 4, 3, 6, 4, 3, 4, 6, 4, 6, 6, 6, 4, 4, 6, 6, 6, 6, 3],
                            d: [2, 2, 2, 3, 3], resolution: 224, width: .w10)
    XCTAssertEqual(try Network.ofa(example, options: RuntimeOptions()).macs, 220_435_296)
    for cfg in [example, smallOFA(), smallOFA(width: .w12, resolution: 160)]
      + OFAConfig.sample(count: 3, seed: 5) {
      XCTAssertEqual(try Network.ofa(cfg, options: RuntimeOptions()).macs, try OFACost(config: cfg).macs, cfg.text)
    }
  }

  func testAllKernelConfigsAgreeOnNB201() throws {
    for codes in cells {
      let cell = try XCTUnwrap(NB201Cell(codes: codes))
      var ref: [Float] = []
      for name in ["reference", "openblas", "simd", "default"] {
        let net = try Network.nb201(cell, dataset: .imagenet16_120,
                                    options: RuntimeOptions(kernels: try .named(name), seed: 3))
        net.run()
        XCTAssertEqual(net.output.count, 120)
        XCTAssertTrue(net.output.allSatisfy { $0.isFinite }, "\(codes) \(name)")
        if ref.isEmpty { ref = net.output } else {
          assertRelativelyClose(net.output, ref, tol: NetworkTolerance.kernels, "\(codes) \(name)")
        }
      }
    }
  }

  func testAllKernelConfigsAgreeOnOFA() throws {
    for cfg in [smallOFA(), smallOFA(width: .w12)] {
      var ref: [Float] = []
      for name in ["reference", "openblas", "simd", "default"] {
        let net = try Network.ofa(cfg, options: RuntimeOptions(kernels: try .named(name), seed: 4))
        net.run()
        XCTAssertEqual(net.output.count, 1000)
        XCTAssertTrue(net.output.allSatisfy { $0.isFinite }, "\(cfg.text) \(name)")
        if ref.isEmpty { ref = net.output } else {
          assertRelativelyClose(net.output, ref, tol: NetworkTolerance.kernels, "\(cfg.text) \(name)")
        }
      }
    }
  }

  func testDeterministicForASeed() throws {
    let cell = try XCTUnwrap(NB201Cell(codes: [3, 3, 4, 1, 3, 1]))
    let a = try Network.nb201(cell, dataset: .imagenet16_120, options: RuntimeOptions(seed: 9))
    let b = try Network.nb201(cell, dataset: .imagenet16_120, options: RuntimeOptions(seed: 9))
    let c = try Network.nb201(cell, dataset: .imagenet16_120, options: RuntimeOptions(seed: 10))
    a.run(); b.run(); c.run()
    XCTAssertEqual(a.output, b.output)
    XCTAssertNotEqual(a.output, c.output)
    let first = a.output
    a.run()
    XCTAssertEqual(a.output, first, "running twice gives the same logits (no state leaks between runs)")
  }

  func testKeepBNMatchesFoldedBN() throws {
    let cell = try XCTUnwrap(NB201Cell(codes: [3, 2, 4, 1, 3, 0]))
    let folded = try Network.nb201(cell, dataset: .imagenet16_120, options: RuntimeOptions(seed: 1))
    let kept = try Network.nb201(cell, dataset: .imagenet16_120, options: RuntimeOptions(foldBN: false, seed: 1))
    folded.run(); kept.run()
    assertRelativelyClose(kept.output, folded.output, tol: NetworkTolerance.foldBN, "nb201 keep BN")
    XCTAssertGreaterThan(kept.layerCount, folded.layerCount)
    let ofaFolded = try Network.ofa(smallOFA(), options: RuntimeOptions(seed: 2))
    let ofaKept = try Network.ofa(smallOFA(), options: RuntimeOptions(foldBN: false, seed: 2))
    ofaFolded.run(); ofaKept.run()
    assertRelativelyClose(ofaKept.output, ofaFolded.output, tol: NetworkTolerance.foldBN, "ofa keep BN")
  }

  /// Pruning keeps the output when no pruned conv edge would have added its BN shift (a dead conv edge fed by
  /// an all-zero node still adds its bias in the full network, e.g. [3, 0, 0, 3, 3, 3]).
  func testPruningDeadOpsKeepsTheOutput() throws {
    for codes in [[3, 3, 4, 1, 3, 1], [4, 2, 1, 2, 1, 1], [0, 0, 0, 0, 0, 0], [3, 3, 3, 0, 0, 0], [1, 0, 0, 0, 0, 0],
                  [2, 0, 2, 0, 2, 2], [0, 3, 3, 1, 4, 0]] {
      let cell = try XCTUnwrap(NB201Cell(codes: codes))
      let full = try Network.nb201(cell, dataset: .imagenet16_120, options: RuntimeOptions(seed: 5))
      let pruned = try Network.nb201(cell, dataset: .imagenet16_120,
                                     options: RuntimeOptions(pruneDeadOps: true, seed: 5))
      full.run(); pruned.run()
      assertRelativelyClose(pruned.output, full.output, tol: NetworkTolerance.kernels, "\(codes)")
      XCTAssertLessThanOrEqual(pruned.layerCount, full.layerCount, "\(codes)")
      XCTAssertTrue(pruned.options.pruneDeadOps)
    }
  }

  /// A skip edge makes its node share the source's buffer; no later op may then write into or free that buffer
  /// while the source is still read (before the fix, a skip 0→2 followed by a conv 1→2 freed the cell input, and
  /// the pool 0→3 or 1→3 reused it as its output: in place, wrong and 10× slower). The full network must equal the
  /// pruned one (whose dead edges never run) and, for cells without dead edges, a rebuild with the skip's source
  /// read from a copy.
  func testSkipAliasesNeverLoseTheirSource() throws {
    for text in ["|skip_connect~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|avg_pool_3x3~1|none~2|",
                 "|skip_connect~0|+|skip_connect~0|nor_conv_1x1~1|+|none~0|avg_pool_3x3~1|avg_pool_3x3~2|",
                 "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|avg_pool_3x3~0|skip_connect~1|none~2|",
                 "|nor_conv_1x1~0|+|skip_connect~0|avg_pool_3x3~1|+|avg_pool_3x3~0|none~1|none~2|"] {
      let cell = try NB201Cell(archString: text)
      let full = try Network.nb201(cell, dataset: .cifar10, options: RuntimeOptions(seed: 3))
      let pruned = try Network.nb201(cell, dataset: .cifar10, options: RuntimeOptions(pruneDeadOps: true, seed: 3))
      full.run(); pruned.run()
      assertRelativelyClose(full.output, pruned.output, tol: NetworkTolerance.kernels, text)
      full.run()
      assertRelativelyClose(full.output, pruned.output, tol: NetworkTolerance.kernels, "\(text), second run")
    }
  }

  /// The same on seeded random cells: every cell without a conv on a dead edge (whose BN shift the full network
  /// adds) computes the same output with and without dead-op pruning, so no buffer is shared wrongly anywhere.
  func testRandomCellsMatchTheirPrunedNetwork() throws {
    var rng = SplitMix64(seed: 21)
    var checked = 0
    while checked < 60 {
      let codes = (0..<6).map { _ in Int(rng.next() % 5) }
      let cell = try XCTUnwrap(NB201Cell(codes: codes))
      let deadConv = zip(cell.ops, cell.liveEdges).contains { ($0 == .conv1x1 || $0 == .conv3x3) && !$1 }
      if deadConv { continue }
      let full = try Network.nb201(cell, dataset: .cifar10, options: RuntimeOptions(seed: 4))
      let pruned = try Network.nb201(cell, dataset: .cifar10, options: RuntimeOptions(pruneDeadOps: true, seed: 4))
      full.run(); pruned.run()
      assertRelativelyClose(full.output, pruned.output, tol: NetworkTolerance.kernels, "\(codes)")
      checked += 1
    }
  }

  func testEveryOpRunsByDefault() throws {
    // All-none cell: 6 `none` ops per cell × 15 cells really execute (multiply by 0).
    let cell = try XCTUnwrap(NB201Cell(codes: [0, 0, 0, 0, 0, 0]))
    let net = try Network.nb201(cell, dataset: .imagenet16_120, options: RuntimeOptions())
    XCTAssertEqual(net.layerNames.filter { $0.kind == "none" }.count, 90)
    let pruned = try Network.nb201(cell, dataset: .imagenet16_120, options: RuntimeOptions(pruneDeadOps: true))
    XCTAssertEqual(pruned.layerNames.filter { $0.kind == "none" }.count, 0)
    // Conv edges bring their own ReLU (not in place): one per conv edge.
    let convs = try Network.nb201(try XCTUnwrap(NB201Cell(codes: [3, 3, 3, 3, 3, 3])), dataset: .cifar10,
                                  options: RuntimeOptions())
    XCTAssertEqual(convs.layerNames.filter { $0.kind == "conv3x3" }.count, 90 + 1 + 4)
  }

  func testBatchAndLayerTiming() throws {
    let cell = try XCTUnwrap(NB201Cell(codes: [3, 3, 4, 1, 3, 1]))
    let one = try Network.nb201(cell, dataset: .imagenet16_120, options: RuntimeOptions(seed: 2))
    let two = try Network.nb201(cell, dataset: .imagenet16_120, options: RuntimeOptions(batch: 2, seed: 2))
    one.run(); two.run()
    XCTAssertEqual(two.output.count, 240)
    XCTAssertEqual(two.macs, 2 * one.macs)
    var clock: UInt64 = 0
    let rows = one.runTimingLayers { clock += 10; return clock }
    XCTAssertEqual(rows.count, one.layerCount)
    XCTAssertTrue(rows.allSatisfy { $0.nanoseconds == 10 })
    XCTAssertEqual(rows.first?.name, "stem.conv")
    XCTAssertEqual(rows.last?.kind, "linear")
  }

  func testBadInputThrowsNamingTheValue() {
    var bad = smallOFA()
    bad.ks[4] = 4
    XCTAssertThrowsError(try Network.ofa(bad, options: RuntimeOptions())) { XCTAssertTrue("\($0)".contains("ks[4] = 4")) }
    bad = smallOFA()
    bad.d = [2, 2]
    XCTAssertThrowsError(try Network.ofa(bad, options: RuntimeOptions()))
    XCTAssertThrowsError(try Network.ofa(smallOFA(), options: RuntimeOptions(threads: 0))) {
      XCTAssertTrue("\($0)".contains("threads 0"))
    }
  }

  func testDumpWritesGraphAndTensors() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("h2-dump-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: dir) }
    let net = try Network.ofa(smallOFA(), options: RuntimeOptions())
    try net.dump(to: dir.path)
    let graph = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("graph.json")))
    let dict = try XCTUnwrap(graph as? [String: Any])
    let inits = try XCTUnwrap(dict["initializers"] as? [[String: Any]])
    let total = inits.reduce(0) { $0 + (($1["count"] as? Int) ?? 0) }
    let weights = try Data(contentsOf: dir.appendingPathComponent("weights.bin"))
    XCTAssertEqual(weights.count, 4 * total)
    XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("output.bin")).count, 4 * 1000)
    XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("input.bin")).count, 4 * 3 * 128 * 128)
  }
}
