import ArgumentParser
import Foundation
import Onboarding
import Profiler
import SearchSpace
import SafeIO

/// Set by SIGINT during `embed`; measuring stops after the current round with every finished reference saved.
private var embedInterruptRequested: sig_atomic_t = 0

/// `helpprof embed`: measure the meta-predictor's reference architectures → device profile JSON.
struct EmbedCommand: ParsableCommand, JSONOutputHelp, RuntimeChoiceHelp {
  static let configuration = CommandConfiguration(
    commandName: "embed",
    abstract: "Measure the reference architectures on this CPU and write the device profile (hardware embedding).",
    discussion: """
      HELP describes a device by the latencies of 10 fixed reference architectures (min–max normalised: the \
      hardware embedding). `embed` measures them with the profiler's canary protocol (interleaved rounds, \
      each arch's runs bracketed by a fixed canary network, each latency the median ratio to the canary × this \
      machine's recorded canary baseline (see `helpprof profile --help`); a reference-grade budget: 6 sweeps, then up \
      to 100 more of one round each (4 runs; OFA 4 rounds of 1 run), until the 95 % CI (over the rounds) is within 0.5 % or 400 samples / \
      3 s per reference, ~30 s for NB201 on a shared VM; pinned thread, preempted runs counted with their CPU time; `adapt` measures the same way) and writes a device profile: \
      schema version, host context, settings, every raw sample with robust statistics, each estimate with its \
      CI, the embedding, and the measurement quality (the references' median and worst CI, slow rounds). When \
      the machine was too disturbed to trust (median CI > 2 % or worst > 5 %), a warning \
      says so and measurementQuality.disturbed is true.

      The profile is saved after every reference, so an interrupted embed (Ctrl-C, crash) resumes where it \
      stopped when rerun with the same settings. Different settings on an existing partial profile are refused; \
      pass --fresh to start over.

      Examples:
        helpprof embed                     # NB201, 1 thread -> device.json
        helpprof embed --space ofa         # OFA -> device-ofa.json
        helpprof embed --threads 2 --out device-2t.json
      """)

  @Option(name: .customLong("space"), help: "Search space: nb201 or ofa.")
  var spaceName: SpaceArgument = .nb201

  @Option(name: .long, help: "NB201 dataset whose networks are measured: cifar10, cifar100, ImageNet16-120.")
  var dataset: String?

  static let kernelsHelp: ArgumentHelp = "Kernel configuration (see `helpprof run --help`)."
  static let threadsHelp: ArgumentHelp = "Threads per forward pass."
  @OptionGroup var runtime: RuntimeChoice<EmbedCommand>

  @Option(name: .long, help: "Time cap per reference architecture in seconds (default 3; smaller is faster but noisier).")
  var maxSecondsPerArch: Double?

  @Option(name: .long, help: "Most timed samples per reference (default 400; at least 3).")
  var samples: Int?

  @Option(name: .long, help: "Device profile to write (default device.json, or device-ofa.json for --space ofa).")
  var out: String?

  @Flag(name: .long, help: "Ignore an existing profile at --out and measure everything again.")
  var fresh = false

  static let jsonHelp: ArgumentHelp = "Print the profile as JSON on stdout."
  @OptionGroup var output: JSONOutput<EmbedCommand>

  @Flag(name: .long, help: "No progress bar or summary.")
  var quiet = false

  var space: SpaceKind { spaceName.kind ?? .nb201 }

  func validate() throws {
    _ = try spaceName.resolved()
    if let n = samples { try requireInRange("--samples", n, 3...100_000) }
  }

  var outPath: String { out ?? (space == .nb201 ? "device.json" : "device-ofa.json") }

  func run() throws {
    do {
      try execute()
    } catch let e as OnboardingError {
      throw e.reported()
    } catch let e as ProfilerError {
      throw fail(e.message, e.kind == .usage ? HelpExit.usage : HelpExit.failure)
    }
  }

  private func execute() throws {
    var request = EmbedFlow.Request(outPath: outPath, helpprofVersion: HelpProf.version)
    request.space = space
    request.dataset = dataset
    request.kernels = runtime.kernels
    request.threads = runtime.threads
    request.maxSecondsPerArch = maxSecondsPerArch
    request.maxSamples = samples
    request.restart = fresh
    signal(SIGINT) { _ in
      embedInterruptRequested = 1
      signal(SIGINT, SIG_DFL)
    }
    var bar: ProgressBar?
    var total = 0
    let outcome: EmbedFlow.Outcome
    do {
      outcome = try EmbedFlow.run(request) { settings, resumed, count in
        total = count
        bar = quiet ? nil : ProgressBar(label: "embed \(space.rawValue)", total: count)
        if resumed > 0, !quiet { note("resuming \(outPath): \(resumed)/\(count) references already measured") }
        bar?.show(done: resumed, detail: "")
        return Embedder.measurer(settings: settings, shouldStop: { embedInterruptRequested != 0 }) { [bar] p in
          let ms = p.lastRow.map { String(format: "%@ %.3f ms", String($0.archIndex), $0.latencyMs) } ?? ""
          bar?.show(done: resumed + p.done, detail: ms + ", " + ProgressPrinter.eta(p))
        }
      }
    } catch OnboardingError.incompleteProfile(let path, let missing) where embedInterruptRequested != 0 {
      bar?.finish()
      throw fail("interrupted: \(total - missing)/\(total) references saved in \(path); "
                 + "run the same command again to resume", ExitCode(130))
    }
    bar?.finish()
    let profile = outcome.profile
    if !quiet, output.json, let w = profile.measurementQuality?.warningLine { note(w) }
    if output.json {
      try printJSON(profile)
    } else if !quiet {
      print(EmbedCommand.summary(profile, path: outPath, seconds: outcome.seconds, resumed: outcome.resumed))
    }
  }

  /// Human summary: one line per reference, the embedding, where the profile went.
  static func summary(_ p: DeviceProfile, path: String, seconds: Double, resumed: Int) -> String {
    var lines = ["device profile \(path) (\(p.space.rawValue), \(p.references.count) references, "
      + String(format: "%.1f s", seconds) + (resumed > 0 ? ", \(resumed) resumed" : "") + ")",
      "host: \(p.host.oneLine)",
      "  index  latency_ms  ci_rel  raw_median  n    noisy  embedding"]
    for (i, r) in p.references.enumerated() {
      guard let m = r.measurement else { continue }
      lines.append(String(format: "  %5d  %10.4f  %6.4f  %10.4f  %-3d  %-5@  %.4f", r.arch.index, m.estimateMs,
                          m.ciRelative ?? .nan, m.stats.median, m.stats.count, m.noisy ? "yes" : "no",
                          p.embedding?[i] ?? .nan))
    }
    if let q = p.measurementQuality {
      lines.append(q.summaryLine)
      if let w = q.warningLine { lines.append(w) }
    }
    let noisy = p.references.filter { $0.measurement?.noisy == true }.count
    if noisy > 0 { lines.append("warning: \(noisy) references were noisy; consider a quieter machine and --fresh") }
    for w in p.host.warnings { lines.append("host warning: \(w)") }
    lines.append("next: helpprof adapt --shots 10 --profile \(path)")
    return lines.joined(separator: "\n")
  }
}

/// Writes one line to stderr.
func note(_ text: String) {
  StandardStreams.err((text + "\n"))
}

/// A one-line progress bar on stderr (redrawn in place on a terminal; a plain line every 10 % otherwise).
final class ProgressBar {
  let label: String
  let total: Int
  private let tty = isatty(STDERR_FILENO) != 0
  private var last = -1

  init(label: String, total: Int) {
    self.label = label
    self.total = max(1, total)
  }

  func show(done: Int, detail: String) {
    let width = 20
    let filled = min(width, done * width / total)
    let line = "\(label) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
      + "] \(done)/\(total)" + (detail.isEmpty ? "" : "  " + detail)
    if tty {
      StandardStreams.err(("\r\u{1B}[K" + line))
    } else {
      // Plain lines for logs: the first update, every further 10 %, and the end.
      let decile = done * 10 / total
      if last < 0 || decile > last || (done == total && last != 10) {
        StandardStreams.err((line + "\n"))
        last = done == total ? 10 : decile
      }
      return
    }
    last = done
  }

  func finish() {
    if tty { StandardStreams.err("\n") }
  }
}
