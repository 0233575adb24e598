import ArgumentParser
import Counters
import Foundation
import Runtime
import SearchSpace
#if canImport(Glibc)
import Glibc
#endif

/// `helpprof run`: build one network with the runtime and time it.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run one NB201 or OFA network on this CPU and time it (median, p10, p90, min over --repeat runs).",
    discussion: """
      Builds the network once (seeded random weights, BN folded, every buffer allocated up front), runs \
      --warmup passes, then times --repeat passes with CLOCK_MONOTONIC_RAW.

      NB201 runs every op of every edge like PyTorch (`none` = multiply by 0); --prune-dead-ops skips edges \
      that cannot reach the cell output. Kernel configurations: \(KernelConfig.availableNames.joined(separator: ", ")). \
      --threads sets OpenBLAS threads (our own kernels are single-threaded).

      Examples:
        helpprof run --space nb201 --index 1 --dataset cifar10
        helpprof run --space nb201 --arch \\
          '|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|'
        C='r=224 w=1.0 d=2,2,2,3,3'
        C="$C ks=3,3,5,7,3,3,5,3,7,7,3,7,3,7,5,5,3,3,5,5"
        C="$C e=3,3,4,3,6,4,3,4,6,4,6,6,6,4,4,6,6,6,6,3"
        helpprof run --space ofa --config "$C" --layers
        helpprof run --space nb201 --index 1462 --kernels reference --repeat 5 --json
      """)

  @Option(help: "Search space: nb201 or ofa.")
  var space: String = "nb201"

  @Option(help: "NB201 index 0...15624.")
  var index: Int?

  @Option(help: "NB201 arch string, e.g. '|nor_conv_3x3~0|+|...|'.")
  var arch: String?

  @Option(help: "NB201 dataset: cifar10 (default), cifar100 or ImageNet16-120.")
  var dataset: String?

  @Option(help: "OFA config text: 'r=224 w=1.0 d=<5> ks=<20> e=<20>' (comma-separated lists).")
  var config: String?

  @Option(help: "Kernel configuration name.")
  var kernels: String = "default"

  @Option(help: "Threads (OpenBLAS).")
  var threads: Int = 1

  @Option(help: "Images per forward pass.")
  var batch: Int = 1

  @Option(name: .customLong("repeat"), help: "Timed passes.")
  var repeats: Int = 30

  @Option(help: "Untimed warm-up passes.")
  var warmup: Int = 5

  @Option(help: "Seed for weights and input.")
  var seed: UInt64 = 0

  @Flag(help: "Skip NB201 edges that are not live (default: execute every op).")
  var pruneDeadOps = false

  @Flag(help: "Keep BatchNorm as a separate op instead of folding it into the conv.")
  var keepBN = false

  @Flag(help: "Print per-layer time (median over --repeat runs) and time share per op kind.")
  var layers = false

  @Flag(help: "Print JSON.")
  var json = false

  @Option(help: ArgumentHelp("Developer aid: write graph.json, weights.bin, input.bin, output.bin to this folder.",
                             visibility: .hidden))
  var dumpWeights: String?

  func run() throws {
    guard (1...100_000).contains(repeats) else { throw fail("--repeat \(repeats) out of range: expected 1...100000") }
    guard (0...100_000).contains(warmup) else { throw fail("--warmup \(warmup) out of range: expected 0...100000") }
    let network = try buildNetwork()
    if let dir = dumpWeights {
      do { try network.dump(to: dir) } catch { throw fail("\(error)", HelpExit.failure) }
    }
    for _ in 0..<warmup { network.run() }
    var samples: [Double] = []
    samples.reserveCapacity(repeats)
    var layerSamples: [[UInt64]] = []
    if layers {
      layerSamples = Array(repeating: [], count: network.layerCount)
      for _ in 0..<repeats {
        let t0 = monotonicNanoseconds()
        let times = network.runTimingLayers(now: monotonicNanoseconds)
        let t1 = monotonicNanoseconds()
        samples.append(Double(t1 &- t0) / 1e6)
        for (i, t) in times.enumerated() { layerSamples[i].append(t.nanoseconds) }
      }
    } else {
      for _ in 0..<repeats {
        let t0 = monotonicNanoseconds()
        network.run()
        let t1 = monotonicNanoseconds()
        samples.append(Double(t1 &- t0) / 1e6)
      }
    }
    guard let stats = SampleStats(samples) else { throw fail("no timing samples", HelpExit.failure) }
    let layerRows = layers ? layerReport(network, layerSamples) : []
    let result = RunResult(
      network: network.summary, space: space, kernels: network.options.kernels.name, threads: threads,
      batch: batch, openblas_core: RuntimeInfo.openBLASCoreName, simd_level: RuntimeInfo.simdLevel,
      pruned: pruneDeadOps, bn_folded: !keepBN, macs: network.macs, layer_count: network.layerCount,
      repeats: repeats, warmup: warmup, median_ms: stats.median, p10_ms: stats.p10, p90_ms: stats.p90,
      min_ms: stats.min, max_ms: stats.max, mean_ms: stats.mean, samples_ms: samples,
      output_checksum: network.output.reduce(0) { $0 + Double($1) }, layers: layers ? layerRows : nil,
      op_shares: layers ? opShares(layerRows) : nil)
    if json {
      try printJSON(result)
    } else {
      printText(result)
    }
  }

  /// Builds the requested network; bad input → exit 64 with one clear line.
  func buildNetwork() throws -> Network {
    let kernelConfig: KernelConfig
    do { kernelConfig = try KernelConfig.named(kernels) } catch { throw fail("--kernels: \(error)") }
    guard (1...256).contains(threads) else { throw fail("--threads \(threads) out of range: expected 1...256") }
    guard (1...1024).contains(batch) else { throw fail("--batch \(batch) out of range: expected 1...1024") }
    let options = RuntimeOptions(kernels: kernelConfig, threads: threads, batch: batch, foldBN: !keepBN,
                                 pruneDeadOps: pruneDeadOps, seed: seed)
    switch space {
    case "nb201":
      guard config == nil else { throw fail("--config is for --space ofa; nb201 takes --index or --arch") }
      let dataset = self.dataset ?? "cifar10"
      guard let ds = NB201Dataset(rawValue: dataset) ?? NB201Dataset.allCases.first(where: {
        $0.rawValue.lowercased() == dataset.lowercased() })
      else {
        throw fail("--dataset '\(dataset)' unknown: expected cifar10, cifar100 or ImageNet16-120")
      }
      let cell: NB201Cell
      switch (index, arch) {
      case let (i?, nil):
        do { cell = try NB201Cell(nb201Index: i) } catch { throw fail("--index: \(error)") }
      case let (nil, a?):
        do { cell = try NB201Cell(archString: a) } catch { throw fail("--arch: \(error)") }
      default:
        throw fail("--space nb201 needs exactly one of --index N or --arch STRING")
      }
      do { return try Network.nb201(cell, dataset: ds, options: options) } catch {
        throw fail("\(error)", HelpExit.failure)
      }
    case "ofa":
      // Options that only mean something for NB201 are refused, not silently ignored.
      if let d = dataset, d.lowercased() != "imagenet" {
        throw fail("--dataset '\(d)' is for --space nb201; OFA subnets are ImageNet networks (omit --dataset)")
      }
      guard index == nil, arch == nil else { throw fail("--index/--arch are for --space nb201; ofa takes --config") }
      guard !pruneDeadOps else { throw fail("--prune-dead-ops applies to --space nb201 only") }
      guard let text = config else { throw fail("--space ofa needs --config 'r=224 w=1.0 d=... ks=... e=...'") }
      let cfg: OFAConfig
      do { cfg = try OFAConfig(text: text) } catch { throw fail("--config: \(error)") }
      do { return try Network.ofa(cfg, options: options) } catch { throw fail("\(error)", HelpExit.failure) }
    default:
      throw fail("--space '\(space)' unknown: expected nb201 or ofa")
    }
  }

  func layerReport(_ network: Network, _ samples: [[UInt64]]) -> [LayerRow] {
    zip(network.layerNames, samples).map { info, s in
      let ms = s.map { Double($0) / 1e6 }.sorted()
      return LayerRow(name: info.name, kind: info.kind, median_ms: SampleStats.quantile(sorted: ms, 0.5))
    }
  }

  func opShares(_ rows: [LayerRow]) -> [OpShare] {
    var totals: [String: (ms: Double, count: Int)] = [:]
    for r in rows { totals[r.kind, default: (0, 0)].ms += r.median_ms; totals[r.kind, default: (0, 0)].count += 1 }
    let sum = max(totals.values.reduce(0) { $0 + $1.ms }, 1e-12)
    return totals.map { OpShare(kind: $0.key, layers: $0.value.count, ms: $0.value.ms, share: $0.value.ms / sum) }
      .sorted { $0.ms > $1.ms }
  }

  func printText(_ r: RunResult) {
    print(r.network)
    print(String(format: "median %.3f ms  p10 %.3f  p90 %.3f  min %.3f  (%d runs after %d warm-up)",
                 r.median_ms, r.p10_ms, r.p90_ms, r.min_ms, r.repeats, r.warmup))
    print("kernels \(r.kernels), threads \(r.threads), batch \(r.batch), openblas core \(r.openblas_core), "
          + "simd \(r.simd_level), pruned \(r.pruned), BN folded \(r.bn_folded), MACs \(r.macs), "
          + "layers \(r.layer_count)")
    if let rows = r.layers, let shares = r.op_shares {
      print("\nper layer (median ms):")
      for row in rows { print("  " + pad(row.name, 36) + " " + pad(row.kind, 12) + String(format: " %8.4f", row.median_ms)) }
      print("\nper op kind:")
      for s in shares {
        print("  " + pad(s.kind, 12) + String(format: " %3d layers %8.3f ms %5.1f%%", s.layers, s.ms, 100 * s.share))
      }
    }
  }
}

/// `text` left-aligned in `width` columns.
func pad(_ text: String, _ width: Int) -> String {
  text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

/// One per-layer timing row.
struct LayerRow: Codable {
  let name: String
  let kind: String
  let median_ms: Double
}

/// Time share of one op kind (sum of per-layer medians).
struct OpShare: Codable {
  let kind: String
  let layers: Int
  let ms: Double
  let share: Double
}

/// What `helpprof run --json` prints.
struct RunResult: Codable {
  let network: String
  let space: String
  let kernels: String
  let threads: Int
  let batch: Int
  let openblas_core: String
  let simd_level: String
  let pruned: Bool
  let bn_folded: Bool
  let macs: Int
  let layer_count: Int
  let repeats: Int
  let warmup: Int
  let median_ms: Double
  let p10_ms: Double
  let p90_ms: Double
  let min_ms: Double
  let max_ms: Double
  let mean_ms: Double
  let samples_ms: [Double]
  let output_checksum: Double
  let layers: [LayerRow]?
  let op_shares: [OpShare]?
}

/// CLOCK_MONOTONIC_RAW in nanoseconds.
func monotonicNanoseconds() -> UInt64 {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC_RAW, &ts)
  return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}
