import ArgumentParser
import Foundation
import Onboarding
import Predictor
import Profiler
import SearchSpace

/// Set by SIGINT during `adapt` measurements.
private var adaptInterruptRequested: sig_atomic_t = 0

/// `helpprof adapt`: adapt the bundled meta-predictor to this machine → portable predictor file.
struct AdaptCommand: ParsableCommand, JSONOutputHelp {
  static let configuration = CommandConfiguration(
    commandName: "adapt",
    abstract: "Adapt the meta-predictor to this CPU with a few measurements and write a portable predictor file.",
    discussion: """
      Reads the device profile from `helpprof embed` (reference latencies = hardware embedding), measures \
      --shots more architectures (or takes them from --measurements), adapts the meta-predictor (Meta-SGD \
      steps on references + shots) and writes the predictor file: safetensors with the adapted weights and \
      metadata (format and version, search space, model, references, device embedding, host, normalisation, \
      provenance, SHA-256 checksum). It loads in Python with tools/helpprof_predictor.py (numpy only).

      Shot choice (seeded by --seed): candidates are the whole space (NB201: 15,625 cells; OFA: 5,000 subnets \
      sampled with seed 0), minus the references, sorted by MACs and cut into --shots equal strata; one \
      architecture is drawn from each stratum. With --measurements FILE.csv (columns arch_index and/or \
      arch_str, latency_ms; `helpprof profile` output works) the shots come from the file instead.

      The references are measured again together with the shots, in one seeded interleaved session with \
      the embed's reference-grade budget, so drift since `embed` (load, clocks) cannot skew the embedding \
      against the shots; --profile-references uses the profile's latencies instead (always the case with \
      --measurements). Validation archs are measured after them with the profiler's own budget; all share \
      this machine's recorded canary baseline (see `helpprof profile --help`).

      --validate K measures K more architectures (uniform, seed + 1, excluding shots and references) and \
      reports Spearman, MAPE and the share within ±10 %; they are saved to OUT.validation.csv for \
      `helpprof report`. They are never used for adaptation.

      Examples:
        helpprof adapt --shots 10
        helpprof adapt --shots 10 --validate 300 --out device.helpp
        helpprof adapt --space ofa --shots 10     # -> device-ofa.helpp
        helpprof adapt --measurements mine.csv --shots 20
      """)

  @Option(name: .long, help: "Architectures to measure (or take from --measurements) for adaptation.")
  var shots: Int = 10

  @Option(name: .customLong("profile"), help: "Device profile written by `helpprof embed` (default device.json; device-ofa.json with --space ofa).")
  var profileOption: String?

  @Option(name: .customLong("space"), help: "Expected search space (nb201 or ofa); default: the profile's.")
  var spaceName: SpaceArgument?

  @Option(name: .long, help: "CSV of already measured shots (arch_index/arch_str, latency_ms).")
  var measurements: String?

  @Option(name: .customLong("validate"), help: "Measure K more architectures and report how well the predictor does on them.")
  var validateCount: Int = 0

  @Flag(name: .long, help: "Use the profile's reference latencies instead of measuring the references again with the shots.")
  var profileReferences = false

  @Option(name: .long, help: "Seed of the shot and validation choice.")
  var seed: UInt64 = 1

  @Option(name: .long, help: "Adaptation steps on the measured points (default: 2 × the meta-trained steps, i.e. 4 for the bundled models).")
  var steps: Int?

  @Option(name: .long, help: "Meta-predictor file to adapt (default: the bundled one).")
  var metaPredictor: String?

  @Option(name: .customLong("out"), help: "Predictor file to write (default device.helpp; device-ofa.helpp for OFA).")
  var outOption: String?

  var profile: String {
    profileOption ?? (spaceName?.kind == .ofa ? "device-ofa.json" : "device.json")
  }

  static let jsonHelp: ArgumentHelp = "Print the result as JSON on stdout."
  @OptionGroup var output: JSONOutput<AdaptCommand>

  @Flag(name: .long, help: "No progress or summary.")
  var quiet = false

  func validate() throws {
    guard (1...1000).contains(shots) else { throw fail("--shots \(shots): expected 1...1000", HelpExit.usage) }
    guard (0...15_000).contains(validateCount) else { throw fail("--validate \(validateCount): expected 0...15000", HelpExit.usage) }
    _ = try spaceName?.resolved()
    if let n = steps { try requireInRange("--steps", n, Limits.adaptationSteps, "the bundled models adapt in 4") }
  }

  /// What `--json` prints.
  struct Result: Encodable {
    var out: String
    var space: String
    var shots: [PredictorMetadata.ShotArch]
    var shotStrategy: String
    var seed: UInt64
    var referenceSource: String
    var seconds: Seconds
    var validation: ValidationJSON?
    var validationCSV: String?
    /// The references' measurement quality (re-measured now, or the profile's); `disturbed` says not to trust it.
    var measurementQuality: MeasurementQuality?
    struct Seconds: Encodable { var measure: Double; var adapt: Double; var total: Double }
  }

  func run() throws {
    do {
      try execute()
    } catch let e as OnboardingError {
      throw e.reported()
    } catch let e as ProfilerError {
      throw fail(e.message, e.kind == .usage ? HelpExit.usage : HelpExit.failure)
    } catch let e as PredictorError {
      throw fail(e.description, HelpExit.dataError)
    }
  }

  private func execute() throws {
    var request = AdaptFlow.Request(profilePath: profile, helpprofVersion: HelpProf.version)
    request.expectedSpace = spaceName?.kind
    request.shots = shots
    request.measurementsPath = measurements
    request.validationCount = validateCount
    request.profileReferences = profileReferences
    request.seed = seed
    request.steps = steps
    request.metaPredictorPath = metaPredictor
    request.outPath = outOption
    signal(SIGINT) { _ in
      adaptInterruptRequested = 1
      signal(SIGINT, SIG_DFL)
    }
    let o = try AdaptFlow.run(request) { archs, settings in
      let bar = quiet ? nil : ProgressBar(label: "measure", total: archs.count)
      let m = try AdaptFlow.profilerMeasure(shouldStop: { adaptInterruptRequested != 0 }) { p in
        bar?.show(done: p.done, detail: ProgressPrinter.eta(p))
      }(archs, settings)
      bar?.finish()
      return m
    }
    let shotArchs = o.shots.map(PredictorMetadata.ShotArch.init)
    let result = Result(out: o.out, space: o.space.rawValue, shots: shotArchs, shotStrategy: o.shotStrategy, seed: o.seed,
                        referenceSource: o.referenceSource,
                        seconds: .init(measure: o.measureSeconds, adapt: o.adaptSeconds, total: o.totalSeconds),
                        validation: o.validation.map { ValidationJSON($0.metrics) }, validationCSV: o.validationCSV,
                        measurementQuality: o.quality)
    if !quiet, output.json, let w = o.quality?.warningLine { note(w) }
    if output.json {
      try printJSON(result)
    } else if !quiet {
      print(Self.summary(o))
    }
  }

  /// Human summary: the file, the timing, validation metrics, measurement quality, what to run next.
  static func summary(_ o: AdaptFlow.Outcome) -> String {
    let remeasured = o.referenceSource != "profile"
    var lines = ["predictor \(o.out) (\(o.space.rawValue), \(o.shots.count) shots \(o.shotStrategy), seed \(o.seed), meta-predictor \(o.metaPredictorID))",
                 String(format: "time: measured %d archs (%@) in %.1f s, adapt %.2f s, total %.1f s", o.measuredCount,
                        remeasured ? "references again + shots, interleaved, then validation" : "shots, then validation",
                        o.measureSeconds, o.adaptSeconds, o.totalSeconds)]
    if let m = o.validation?.metrics {
      lines.append(String(format: "validation on %d archs: Spearman %.4f, Kendall %.4f, MAPE %.2f %%, within ±10 %% %.1f %%, within ±5 %% %.1f %%",
                          m.count, m.spearman, m.kendall, m.mapePercent, m.within10Percent, m.within5Percent))
      lines.append("validation measurements: \(o.validationCSV ?? "")  (helpprof report --predictor \(o.out) --measurements \(o.validationCSV ?? ""))")
    }
    if let q = o.quality {
      lines.append(q.summaryLine)
      if let w = q.warningLine { lines.append(w) }
    }
    lines.append(o.space == .nb201
      ? "next: helpprof predict --predictor \(o.out) --index 1462   |   python3 tools/helpprof_predictor.py \(o.out) --index 1462"
      : "next: helpprof predict --predictor \(o.out) --config '\(o.shots.first?.text ?? "r=224 d=... ks=... e=...")'")
    return lines.joined(separator: "\n")
  }
}
