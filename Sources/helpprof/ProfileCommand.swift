import ArgumentParser
import Counters
import Foundation
import Profiler
import SearchSpace
import SafeIO

/// Set by SIGINT; the profile stops after the current round with every finished row saved.
private var profileInterruptRequested: sig_atomic_t = 0

/// `helpprof profile`: measure many NB201 or OFA architectures into a resumable CSV.
struct ProfileCommand: ParsableCommand, JSONOutputHelp, RuntimeChoiceHelp {
  static let configuration = CommandConfiguration(
    commandName: "profile",
    abstract: "Measure the latency of many NB201 or OFA architectures on this CPU into a resumable CSV.",
    discussion: """
      Protocol (--protocol canary, the default): each arch's runs in every
      round are bracketed by runs of a fixed canary network of the space
      (NB201 index 310; OFA r=176 w=1.2 d=3 ks=5 e=4), and each run is divided
      by the canary's level around it, so slow episodes of a shared machine
      cancel. latency_ms = median ratio x the canary's baseline: this
      machine's recorded one (canary-baselines.json in ~/.cache/helpprof,
      $XDG_CACHE_HOME/helpprof or $HELPPROF_CACHE_DIR; the first session of a
      setting records its fastest canary level, later ones keep it;
      HELPPROF_BASELINE_CACHE=off uses each session's own, =FILE
      another file), so every session on a machine shares one scale;
      raw_latency_ms keeps the plain median. An arch is done when its 95 %
      CI is within --target-ci (relative half-width; ci_rel; over the runs,
      and with 20 or more rounds at least the CI over the rounds' medians,
      since runs of one round share its canary levels). --protocol sweeps is
      the same without the canary (the pool in profiles/pool was measured so);
      --protocol naive is the median of --naive-runs back-to-back runs.

      Archs are measured in blocks of --block archs. Each block is swept
      --sweeps times, so drift and load phases hit all archs alike: each sweep
      builds --window networks at a time, times them in interleaved rounds and
      frees them. After the sweeps an arch is done when IQR/median is at most
      --target-iqr; otherwise it gets up to --remeasure extra sweeps (within
      --max-seconds and --max-samples). Runs during which the thread was
      descheduled (wall time well above its CPU time) are set aside. Archs that
      stayed spread out, were mostly preempted, or were measured while other
      processes were busy are flagged in 'noisy' with the reason. The thread is
      pinned to the CPU with the fewest runnable tasks of other processes.

      Output: FILE.csv with the columns
        source,device,dataset,arch_index,arch_str,latency_ms,p10_ms,p90_ms,
        iqr_ms,min_ms,n,noisy,cpu_ms,other_cpu,sweeps,preempted,noisy_reasons,
        counters,samples_ms,raw_latency_ms,canary_ratio,canary_ms,ci_rel,
        slow_rounds,canary_samples_ms
      (the first six as in HELP's nb201_latency.csv; OFA rows hold the config
      text in arch_str and the sample number, or -1, in arch_index), and
      FILE.csv.json with settings, host context and per-run summaries.
      The device name defaults to
        helpprof-<cpu>-<threads>t-<kernels>[-prune][-bn][-cpuclock][-min|-p10]

      Resume: run the same command again after Ctrl-C or a crash. Finished
      archs are skipped (rows are written block by block), a torn last line is
      cut, and a run whose settings differ from the sidecar's is refused.

      Examples:
        helpprof profile --space nb201 --archs 0-299 --out nb201.csv
        helpprof profile --space nb201 --sample 1000 --seed 1 \\
          --dataset cifar100 --out s.csv
        helpprof profile --space ofa --sample 50 --seed 0 --out ofa.csv
        helpprof profile --space ofa --archs-file configs.txt --out ofa.csv
      """)

  @Option(help: "Search space: nb201 or ofa.") var space: SpaceArgument = .nb201
  @Option(help: "Indices to measure: ranges and lists, e.g. 0-999 or 1,5,10-20 (OFA: sample numbers of --seed).")
  var archs: String?
  @Option(help: "File with one arch per line (NB201 index or arch string; OFA config text or ofa_archs.csv row).")
  var archsFile: String?
  @Option(help: "Measure N seeded random archs.") var sample: Int?
  @Option(help: "Seed for --sample (and OFA --archs).") var seed: UInt64 = 0
  @Option(help: "OFA width multiplier for sampled configs: 1.0 or 1.2 (HELP's OFA data is 1.2).")
  var width: String = "1.2"
  @Option(help: "NB201: cifar10, cifar100, ImageNet16-120. OFA: imagenet.") var dataset: String?
  static let kernelsHelp: ArgumentHelp = "Kernel configuration (reference, openblas, simd, default)."
  static let threadsHelp: ArgumentHelp = "Threads (OpenBLAS)."
  @OptionGroup var runtime: RuntimeChoice<ProfileCommand>
  @Flag(help: "Skip NB201 ops whose result cannot reach the output.") var pruneDeadOps = false
  @Flag(help: "Keep BatchNorm as its own op instead of folding it.") var keepBn = false
  @Option(help: "Output CSV (a FILE.json sidecar is written beside it).") var out: String
  @Option(help: "Device name for the CSV (default derived from CPU and settings).") var device: String?
  @Option(help: "Timing metric: wall (default) or cpu (thread CPU time, single-threaded only).")
  var metric: String = "wall"
  @Option(help: "Statistic reported as latency_ms: median, p10 or min (min is steadiest on a busy machine).")
  var statistic: String = "median"
  @Option(help: "Pin the measuring thread: auto, none or a CPU number.") var pin: String = "auto"
  @Option(name: .customLong("protocol"),
          help: "Measurement protocol: canary (default: drift-cancelling ratio to a fixed canary network), sweeps (the same without the canary, as before issue 12) or naive (median of --naive-runs back-to-back runs).")
  var protocolName: String = "canary"
  @Option(help: "Canary: stop an arch when the relative half-width of its 95 % CI is at most this.")
  var targetCi: Double = MeasurementProtocol().targetRelativeCI
  @Option(help: "Naive: timed back-to-back runs per arch.") var naiveRuns: Int = MeasurementProtocol().naiveRuns
  @Option(help: "Canary: timed canary runs at each boundary (default: 1).") var canaryRuns: Int?
  @Option(help: "Canary: an arch much shorter than the canary gets up to this many times the runs per round and per sweep (the canary/arch time ratio, rounded; default 1 = every arch alike).") var shortArchRunScale: Int?
  @Option(help: "Canary: extra sweeps (one round each, beyond --remeasure) for an arch shorter than the canary (default 0).")
  var shortArchExtraSweeps: Int?
  @Option(help: "Canary: bracket each round (round) or each arch's runs in a round (arch).")
  var canaryBracket: String = MeasurementProtocol().canaryPerArch ? "arch" : "round"
  @Option(help: "Canary: divide by the running median of the last N canary levels (1 = the mean of the two around the runs).")
  var canarySmoothing: Int = MeasurementProtocol().canarySmoothing
  @Option(help: "Canary: quantile of the ratios that is the estimate (0.5 = median).")
  var ratioQuantile: Double = MeasurementProtocol().ratioQuantile
  @Option(help: "Canary: untimed canary runs before each boundary's timed runs (default: 0).")
  var canaryRewarm: Int?
  @Option(help: "Untimed runs when a network is first built.") var warmupRuns: Int = MeasurementProtocol().warmupRuns
  @Option(help: "Untimed runs of an arch at the start of each round (and after a rebuild in later sweeps, at least 1) (default: 0 for canary, 1 for sweeps and naive).")
  var rewarmRuns: Int?
  @Option(help: "Minimum wall seconds of that first warm-up, more runs until reached (default: 0 for canary, 0.02 for sweeps and naive).")
  var warmupSeconds: Double?
  @Option(help: "Stop an arch when IQR/median is at most this.") var targetIqr: Double = 0.02
  @Option(help: "Cap on timed seconds per arch and attempt.") var maxSeconds: Double = 0.5
  @Option(help: "Minimum timed runs per arch (default: NB201 12, OFA 20 for canary; 10 for sweeps and naive).") var minSamples: Int?
  @Option(help: "Maximum timed runs per arch and attempt.") var maxSamples: Int = 100
  @Option(help: "Archs interleaved at once (networks alive at once).") var window: Int = 8
  @Option(help: "Timed runs per arch per round, at most (default: 1 for canary, 5 for sweeps and naive).") var samplesPerRound: Int?
  @Option(help: "Sweeps over each block: an arch's samples are spread over this many visits (default: 3; OFA 2).")
  var sweeps: Int?
  @Option(help: "Archs per block (rows are written block by block).") var block: Int = 64
  @Option(help: "Extra sweeps for an arch still noisy after the base sweeps (default: 2; OFA 0).") var remeasure: Int?
  @Flag(help: "Keep runs during which the thread was descheduled (default: set them aside).")
  var keepPreempted = false
  @Option(help: "Per-layer timing runs per arch (0 = none); writes FILE.layers.csv.") var layers: Int = 0
  @Option(help: "PAPI counters for the counter pass, comma-separated, or 'none'.")
  var counters: String = CounterSet.defaultEvents.joined(separator: ",")
  @Flag(help: "No progress output.") var quiet = false
  static let jsonHelp: ArgumentHelp = "Print the run summary as JSON."
  @OptionGroup var output: JSONOutput<ProfileCommand>

  func run() throws {
    do {
      try execute()
    } catch let e as ProfilerError {
      throw fail(e.message, e.kind == .usage ? HelpExit.usage : e.kind == .data ? HelpExit.dataError : HelpExit.failure)
    } catch let e as SearchSpaceError {
      throw fail(e.message, HelpExit.usage)
    }
  }

  private func settings() throws -> ProfileSettings {
    let kind = try space.resolved()
    var s = ProfileSettings(space: kind, dataset: dataset, device: device)
    s.kernels = runtime.kernels
    s.threads = runtime.threads
    s.pruneDeadOps = pruneDeadOps
    s.keepBN = keepBn
    s.counters = counters == "none" ? [] : counters.split(separator: ",").map { String($0) }
    for c in s.counters {
      if let why = CounterSet.invalidNameReason(c) { throw ProfilerError("--counters: \(why)") }
    }
    guard let m = TimingMetric(rawValue: metric) else { throw ProfilerError("--metric '\(metric)': expected wall or cpu") }
    guard let pinReq = PinRequest(text: pin) else { throw ProfilerError("--pin '\(pin)': expected auto, none or a CPU number") }
    if case .cpu(let n) = pinReq {
      let allowed = CPUPinning.allowedCPUs()
      guard allowed.isEmpty || allowed.contains(n) else {
        throw ProfilerError("--pin \(n): this process may run on CPUs \(allowed.map(String.init).joined(separator: ",")) "
          + "only; expected auto, none or one of them")
      }
    }
    guard let st = LatencyStatistic(rawValue: statistic) else {
      throw ProfilerError("--statistic '\(statistic)': expected median, p10 or min")
    }
    guard let protocolKind = ProtocolKind(rawValue: protocolName) else {
      throw ProfilerError("--protocol '\(protocolName)': expected canary, sweeps or naive")
    }
    s.measurement = MeasurementProtocol.defaults(for: kind, protocol: protocolKind)
    s.measurement.metric = m
    s.measurement.statistic = st
    s.measurement.targetRelativeCI = targetCi
    s.measurement.naiveRuns = naiveRuns
    if let canaryRuns { s.measurement.canaryRuns = canaryRuns }
    if let shortArchRunScale { s.measurement.shortArchRunScale = shortArchRunScale }
    if let shortArchExtraSweeps { s.measurement.shortArchExtraSweeps = shortArchExtraSweeps }
    if let rewarmRuns { s.measurement.rewarmRuns = rewarmRuns }
    if let canaryRewarm { s.measurement.canaryRewarmRuns = canaryRewarm }
    s.measurement.canarySmoothing = canarySmoothing
    s.measurement.ratioQuantile = ratioQuantile
    guard canaryBracket == "arch" || canaryBracket == "round" else {
      throw ProfilerError("--canary-bracket '\(canaryBracket)': expected round or arch")
    }
    s.measurement.canaryPerArch = canaryBracket == "arch"
    s.measurement.pin = pinReq
    s.measurement.targetRelativeIQR = targetIqr
    s.measurement.warmupRuns = warmupRuns
    if let warmupSeconds { s.measurement.warmupSeconds = warmupSeconds }
    s.measurement.maxSecondsPerArch = maxSeconds
    if let minSamples { s.measurement.minSamples = minSamples }
    guard (1...100_000).contains(maxSamples) else { throw ProfilerError("--max-samples \(maxSamples): expected 1...100000") }
    s.measurement.maxSamples = maxSamples
    s.measurement.window = window
    if let samplesPerRound { s.measurement.samplesPerRound = samplesPerRound }
    if let remeasure { s.measurement.remeasureLimit = remeasure }
    if let sweeps { s.measurement.sweeps = sweeps }
    s.measurement.block = block
    s.measurement.dropPreempted = !keepPreempted
    s.measurement.layerRuns = layers
    if pruneDeadOps && kind == .ofa { throw ProfilerError("--prune-dead-ops applies to nb201 only") }
    try s.validate()
    return s
  }

  private func selection(_ kind: SpaceKind) throws -> [ArchSpec] {
    let given = [archs != nil, archsFile != nil, sample != nil].filter { $0 }.count
    guard given == 1 else { throw ProfilerError("give exactly one of --archs, --archs-file or --sample (got \(given))") }
    let w = try OFAWidth(parsing: width)
    if let archs {
      switch kind {
      case .nb201: return try ArchSelection.nb201(indices: ArchSelection.parseRanges(archs, bounds: NB201Index.range))
      case .ofa:
        return try ArchSelection.ofaSamples(numbers: ArchSelection.parseRanges(archs, bounds: 0...999_999),
                                            seed: seed, width: w)
      }
    }
    if let archsFile {
      guard let text = try? String(contentsOfFile: archsFile, encoding: .utf8) else {
        throw ProfilerError("cannot read --archs-file \(archsFile)", kind: .runtime)
      }
      return try ArchSelection.parseFile(text, space: kind)
    }
    let n = sample ?? 0
    switch kind {
    case .nb201: return try ArchSelection.nb201Sample(count: n, seed: seed)
    case .ofa:
      guard (1...1_000_000).contains(n) else { throw ProfilerError("--sample \(n): expected 1...1000000") }
      return try ArchSelection.ofaSamples(numbers: Array(0..<n), seed: seed, width: w)
    }
  }

  private func execute() throws {
    let s = try settings()
    let specs = try selection(s.space)
    let printer = quiet ? nil : ProgressPrinter(label: "profile \(s.space.rawValue)")
    signal(SIGINT) { _ in
      profileInterruptRequested = 1
      signal(SIGINT, SIG_DFL)
    }
    let result = try Profiler.profile(specs, settings: s, csvPath: out, progress: { printer?.update($0) },
                                      shouldStop: { profileInterruptRequested != 0 })
    let sum = result.outcome.summary
    if !result.outcome.layers.isEmpty { try appendLayers(result.outcome.layers, device: s.device) }
    if output.json {
      try printJSON(sum)
    } else if !quiet {
      var msg = "profiled \(sum.archs) archs in \(String(format: "%.1f", sum.seconds)) s "
        + "(\(String(format: "%.0f", sum.archsPerMinute)) archs/min)"
      if result.alreadyDone > 0 { msg += ", \(result.alreadyDone) already in \(out)" }
      if result.droppedTornBytes > 0 { msg += ", dropped a torn last line (\(result.droppedTornBytes) bytes)" }
      msg += "; noisy \(sum.noisy), extra sweeps for \(sum.remeasured)"
      if let c = sum.canary {
        msg += String(format: "; canary baseline %.4f ms, %d of %d rounds slow (> %.2fx), overhead %.1f%%",
                      c.baselineMs, c.slowRounds, c.rounds, c.slowFactor, 100 * c.overheadFraction)
      }
      msg += String(format: "; other processes used %.2f CPUs on average (max %.2f)", sum.meanOtherCores,
                    sum.maxOtherCores)
      msg += "\n  " + sum.pinning.joined(separator: "\n  ") + "\n  counters: " + sum.counters
      StandardStreams.err((msg + "\n"))
    }
    if sum.interrupted {
      throw fail("interrupted: \(sum.archs) new rows saved in \(out); run the same command again to resume",
                 ExitCode(130))
    }
  }

  private func appendLayers(_ layers: [LayerTiming], device: String) throws {
    let path = out + ".layers.csv"
    var text = ""
    for l in layers {
      text += [device, String(l.archIndex), CSV.quote(l.archString), String(l.position), CSV.quote(l.name),
               CSV.quote(l.kind), String(format: "%.6f", l.medianMs)].joined(separator: ",") + "\n"
    }
    do {
      try AppendFile.append(text, to: path, header: "device,arch_index,arch_str,position,layer,kind,median_ms\n")
    } catch let e as IOFailure {
      throw ProfilerError(e.description, kind: .runtime)
    }
  }
}
