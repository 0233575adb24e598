import ArgumentParser
import Counters
import Foundation
import Profiler
import Runtime
import SearchSpace
#if canImport(Glibc)
import Glibc
#endif

/// `helpprof run`: build one network with the runtime and time it.
struct RunCommand: ParsableCommand, JSONOutputHelp, RuntimeChoiceHelp {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run one NB201 or OFA network on this CPU and time it with the profiler's measurement protocol.",
    discussion: """
      Builds the network (seeded random weights, BN folded, every buffer allocated up front), runs \
      --warmup passes, then times it with the same protocol as `helpprof profile` (--protocol canary by \
      default): the thread is pinned, preempted runs are set aside, rounds of 5 runs are bracketed by runs of \
      the space's fixed canary network, and median_ms is the median ratio to the canary × the canary's baseline \
      (this machine's recorded one, see `helpprof profile --help`; raw_median_ms is the plain median). At least --repeat runs are timed, more until the 95 % CI of \
      the estimate is within 1 % (at most 100 runs or 0.5 s). --protocol naive times exactly --repeat \
      back-to-back runs (the behaviour before issue 12). --layers adds a per-layer pass of --repeat runs.

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
  var space: SpaceArgument = .nb201

  @Option(help: "NB201 index 0...15624.")
  var index: Int?

  @Option(help: "NB201 arch string, e.g. '|nor_conv_3x3~0|+|...|'.")
  var arch: String?

  @Option(help: "NB201 dataset: cifar10 (default), cifar100 or ImageNet16-120.")
  var dataset: String?

  @Option(help: "OFA config text: 'r=224 w=1.0 d=<5> ks=<20> e=<20>' (comma-separated lists).")
  var config: String?

  static let kernelsHelp: ArgumentHelp = "Kernel configuration name."
  static let threadsHelp: ArgumentHelp = "Threads (OpenBLAS)."
  @OptionGroup var runtime: RuntimeChoice<RunCommand>

  @Option(help: "Images per forward pass.")
  var batch: Int = 1

  @Option(name: .customLong("repeat"), help: "Timed passes (at least; exactly with --protocol naive).")
  var repeats: Int = 30

  @Option(name: .customLong("protocol"), help: "Measurement protocol: canary (default), sweeps or naive.")
  var protocolName: String = "canary"

  @Option(help: "Pin the measuring thread: auto, none or a CPU number.")
  var pin: String = "auto"

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

  static let jsonHelp: ArgumentHelp = "Print JSON."
  @OptionGroup var output: JSONOutput<RunCommand>

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
    let row = try measureWithProtocol(network)
    let samples = row.samplesMs
    var layerSamples: [[UInt64]] = []
    if layers {
      layerSamples = Array(repeating: [], count: network.layerCount)
      for _ in 0..<warmup { network.run() }
      for _ in 0..<repeats {
        let times = network.runTimingLayers(now: monotonicNanoseconds)
        for (i, t) in times.enumerated() { layerSamples[i].append(t.nanoseconds) }
      }
    }
    network.run()
    guard let stats = SampleStats(samples) else { throw fail("no timing samples", HelpExit.failure) }
    let layerRows = layers ? layerReport(network, layerSamples) : []
    let result = RunResult(
      network: network.summary, space: try space.resolved().rawValue, kernels: network.options.kernels.name,
      threads: runtime.threads,
      batch: batch, openblas_core: RuntimeInfo.openBLASCoreName, simd_level: RuntimeInfo.simdLevel,
      pruned: pruneDeadOps, bn_folded: !keepBN, macs: network.macs, layer_count: network.layerCount,
      repeats: samples.count, warmup: warmup, measurement_protocol: protocolName, median_ms: row.latencyMs,
      raw_median_ms: row.rawLatencyMs, ci_rel: row.ciRel ?? 1, canary_ratio: row.canaryRatio, canary_ms: row.canaryMs,
      slow_rounds: row.slowRounds, preempted: row.preempted, noisy_reasons: row.noisyReasons,
      p10_ms: stats.p10, p90_ms: stats.p90,
      min_ms: stats.min, max_ms: stats.max, mean_ms: stats.mean, samples_ms: samples,
      output_checksum: network.output.reduce(0) { $0 + Double($1) }, layers: layers ? layerRows : nil,
      op_shares: layers ? opShares(layerRows) : nil)
    if output.json {
      try printJSON(result)
    } else {
      printText(result)
    }
  }

  /// Times the arch of `network` with the profiler's engine and protocol (the canary built with the same options).
  func measureWithProtocol(_ network: Network) throws -> ProfileRow {
    guard let kind = ProtocolKind(rawValue: protocolName) else {
      throw fail("--protocol '\(protocolName)': expected canary, sweeps or naive")
    }
    guard let pinRequest = PinRequest(text: pin) else { throw fail("--pin '\(pin)': expected auto, none or a CPU number") }
    let spec = try targetSpec()
    let options = network.options
    let ds = try datasetValue()
    var s = ProfileSettings(space: spec.space, dataset: spec.space == .nb201 ? ds.rawValue : nil, device: "run")
    s.kernels = options.kernels.name
    s.threads = runtime.threads
    s.pruneDeadOps = pruneDeadOps
    s.keepBN = keepBN
    s.seed = seed
    s.counters = []
    s.measurement = MeasurementProtocol.defaults(for: spec.space, protocol: kind)
    s.measurement.pin = pinRequest
    s.measurement.warmupRuns = warmup
    s.measurement.warmupSeconds = warmup == 0 ? 0 : MeasurementProtocol.defaultWarmupSeconds(for: kind)
    s.measurement.minSamples = max(3, repeats)
    s.measurement.maxSamples = max(s.measurement.minSamples, 100)
    s.measurement.naiveRuns = repeats
    s.measurement.window = 1
    s.measurement.sweeps = 1
    s.measurement.block = 1
    let factory: WorkloadFactory = { spec in
      switch spec {
      case .nb201(_, let cell): return RuntimeWorkload(try Network.nb201(cell, dataset: ds, options: options))
      case .ofa(_, let config): return RuntimeWorkload(try Network.ofa(config, options: options))
      }
    }
    do {
      let outcome = try Profiler.measure([spec], settings: s, factory: factory)
      guard let row = outcome.rows.first else { throw fail("no timing samples", HelpExit.failure) }
      return row
    } catch let e as ProfilerError {
      throw fail(e.message, e.kind == .usage ? HelpExit.usage : HelpExit.failure)
    } catch let e as RuntimeError {
      throw fail("\(e)", HelpExit.failure)
    }
  }

  /// The NB201 dataset named by --dataset (any case).
  func datasetValue() throws -> NB201Dataset {
    let name = dataset ?? NB201Dataset.cifar10.rawValue
    guard let ds = NB201Dataset(rawValue: name) ?? NB201Dataset.allCases.first(where: {
      $0.rawValue.lowercased() == name.lowercased() })
    else {
      throw fail("--dataset '\(name)' unknown: expected cifar10, cifar100 or ImageNet16-120")
    }
    return ds
  }

  /// The requested arch as a profiler spec (after `buildNetwork` validated the input).
  func targetSpec() throws -> ArchSpec {
    switch space.kind {
    case .nb201?:
      if let i = index { return .nb201(index: i, cell: try NB201Cell(nb201Index: i)) }
      let cell = try NB201Cell(archString: arch ?? "")
      return .nb201(index: NB201Index.index(of: cell), cell: cell)
    default:
      return .ofa(number: -1, config: try OFAConfig(text: config ?? ""))
    }
  }

  /// Builds the requested network; bad input → exit 64 with one clear line.
  func buildNetwork() throws -> Network {
    let kernelConfig = try runtime.kernelConfig()
    guard (1...1024).contains(batch) else { throw fail("--batch \(batch) out of range: expected 1...1024") }
    let options = RuntimeOptions(kernels: kernelConfig, threads: runtime.threads, batch: batch, foldBN: !keepBN,
                                 pruneDeadOps: pruneDeadOps, seed: seed)
    switch try space.resolved() {
    case .nb201:
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
    case .ofa:
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
    print(String(format: "protocol %@: raw median %.3f ms, CI ±%.1f %%, %d slow rounds, %d preempted runs set aside",
                 r.measurement_protocol, r.raw_median_ms, 100 * r.ci_rel, r.slow_rounds, r.preempted)
          + (r.canary_ms.map { String(format: ", canary baseline %.3f ms", $0) } ?? ""))
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
  /// The measurement protocol; `median_ms` is its estimate (canary: median ratio × canary baseline).
  let measurement_protocol: String
  let median_ms: Double
  /// The plain median of the samples, the relative CI half-width, the canary ratio/baseline, slow rounds.
  let raw_median_ms: Double
  let ci_rel: Double
  let canary_ratio: Double?
  let canary_ms: Double?
  let slow_rounds: Int
  let preempted: Int
  let noisy_reasons: [String]
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
