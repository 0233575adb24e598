import ArgumentParser
import Foundation
import Onboarding
import Predictor
import Profiler
import SearchSpace

/// Set by SIGINT during `adapt` measurements.
private var adaptInterruptRequested: sig_atomic_t = 0

/// `helpprof adapt`: adapt the bundled meta-predictor to this machine → portable predictor file.
struct AdaptCommand: ParsableCommand {
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

      --validate K measures K more architectures (uniform, seed + 1, excluding shots and references) and \
      reports Spearman, MAPE and the share within ±10 %; they are saved to OUT.validation.csv for \
      `helpprof report`.

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
  var spaceName: String?

  @Option(name: .long, help: "CSV of already measured shots (arch_index/arch_str, latency_ms).")
  var measurements: String?

  @Option(name: .customLong("validate"), help: "Measure K more architectures and report how well the predictor does on them.")
  var validateCount: Int = 0

  @Option(name: .long, help: "Seed of the shot and validation choice.")
  var seed: UInt64 = 1

  @Option(name: .long, help: "Meta-predictor file to adapt (default: the bundled one).")
  var metaPredictor: String?

  @Option(name: .customLong("out"), help: "Predictor file to write (default device.helpp; device-ofa.helpp for OFA).")
  var outOption: String?

  var profile: String {
    profileOption ?? (spaceName.flatMap { SpaceKind(rawValue: $0.lowercased()) } == .ofa ? "device-ofa.json" : "device.json")
  }

  @Flag(name: .long, help: "Print the result as JSON on stdout.")
  var json = false

  @Flag(name: .long, help: "No progress or summary.")
  var quiet = false

  func validate() throws {
    guard (1...1000).contains(shots) else { throw fail("--shots \(shots): expected 1...1000", HelpExit.usage) }
    guard (0...15_000).contains(validateCount) else { throw fail("--validate \(validateCount): expected 0...15000", HelpExit.usage) }
    if let s = spaceName { _ = try parseSpace(s) }
  }

  /// What `--json` prints.
  struct Result: Encodable {
    var out: String
    var space: String
    var shots: [PredictorMetadata.ShotArch]
    var shotStrategy: String
    var seed: UInt64
    var seconds: Seconds
    var validation: ValidationMetrics?
    var validationCSV: String?
    struct Seconds: Encodable { var measureShots: Double; var adapt: Double; var validate: Double; var total: Double }
  }

  func run() throws {
    do {
      try execute()
    } catch let e as OnboardingError {
      switch e {
      case .badProfile, .newerVersion, .wrongSpace, .badPredictor, .badMeasurementsCSV, .incompleteProfile:
        throw fail(e.description, HelpExit.dataError)
      case .invalidArgument, .settingsMismatch: throw fail(e.description, HelpExit.usage)
      default: throw fail(e.description, HelpExit.failure)
      }
    } catch let e as ProfilerError {
      throw fail(e.message, e.kind == .usage ? HelpExit.usage : HelpExit.failure)
    } catch let e as PredictorError {
      throw fail(e.description, HelpExit.dataError)
    }
  }

  private func execute() throws {
    let t0 = Date()
    guard FileManager.default.fileExists(atPath: profile) else {
      throw fail("device profile \(profile) not found: run `helpprof embed` first (or pass --profile)", HelpExit.usage)
    }
    let dp = try DeviceProfile.read(path: profile)
    let out = outOption ?? (dp.space == .ofa ? "device-ofa.helpp" : "device.helpp")
    if let s = spaceName, let want = SpaceKind(rawValue: s.lowercased()), want != dp.space {
      throw OnboardingError.wrongSpace(path: profile, found: dp.space.rawValue, expected: want.rawValue)
    }
    guard dp.isComplete else {
      throw OnboardingError.incompleteProfile(path: profile, missing: dp.references.filter { $0.measurement == nil }.count)
    }
    let meta: MetaPredictor
    if let path = metaPredictor {
      meta = try MetaPredictor.load(path: path)
      guard meta.config.space == dp.space else {
        throw OnboardingError.wrongSpace(path: profile, found: dp.space.rawValue, expected: meta.config.space.rawValue)
      }
    } else {
      meta = try MetaPredictorCatalog.bundled(space: dp.space)
    }
    try AdaptFlow.checkReferences(profile: dp, meta: meta, profilePath: profile)
    let dataset = NB201Dataset(rawValue: dp.settings.dataset ?? "") ?? .cifar10
    let settings = Embedder.profileSettings(for: dp)
    signal(SIGINT) { _ in
      adaptInterruptRequested = 1
      signal(SIGINT, SIG_DFL)
    }
    let stop = { adaptInterruptRequested != 0 }

    // Shots.
    let pool = try AdaptFlow.pool(space: dp.space, dataset: dataset)
    let shotList: [ArchMeasurement]
    let strategy: String
    let tShots = Date()
    if let csv = measurements {
      let rows = try MeasurementsCSV.read(path: csv)
      shotList = try AdaptFlow.shotsFromCSV(rows, space: dp.space, count: shots, seed: seed, references: dp.references.map(\.arch),
                                            dataset: dataset, source: csv)
      strategy = AdaptFlow.fileStrategy
    } else {
      let picks = try AdaptFlow.chooseShots(pool: pool, count: shots, seed: seed, references: dp.references.map(\.arch))
      let bar = quiet ? nil : ProgressBar(label: "shots", total: picks.count)
      let ms = try Embedder.archMeasurer(settings: settings, shouldStop: stop) { p in
        bar?.show(done: p.done, detail: p.lastRow.map { String(format: "%d %.3f ms", $0.archIndex, $0.latencyMs) } ?? "")
      }(picks)
      bar?.finish()
      shotList = zip(picks, ms).map { ArchMeasurement(index: $0.index, arch: $0.arch, latencyMs: $1, macs: $0.macs) }
      strategy = AdaptFlow.stratifiedStrategy
    }
    let shotSeconds = Date().timeIntervalSince(tShots)

    // Adapt.
    let tAdapt = Date()
    let adapted = try AdaptFlow.adapt(profile: dp, profilePath: profile, meta: meta, shots: shotList, seed: seed)
    let adaptSeconds = Date().timeIntervalSince(tAdapt)

    // Validate.
    var summary: PredictorMetadata.ValidationSummary?
    var validationCSV: String?
    let tValidate = Date()
    if validateCount > 0 {
      let exclude = Set(shotList.map(\.arch) + dp.references.map(\.arch.arch))
      let archs = try AdaptFlow.chooseValidation(pool: pool, count: validateCount, seed: seed &+ 1, exclude: exclude)
      let bar = quiet ? nil : ProgressBar(label: "validate", total: archs.count)
      let measured = try Embedder.archMeasurer(settings: settings, shouldStop: stop) { p in
        bar?.show(done: p.done, detail: String(format: "eta %.0f s", p.etaSeconds))
      }(archs)
      bar?.finish()
      let predicted = try adapted.predictMs(try archs.map { try AdaptFlow.archKey($0.arch, space: dp.space) })
      let metrics = try ValidationMetrics(predicted: predicted, measured: measured)
      summary = .init(metrics: metrics, seed: seed &+ 1)
      var text = "arch_index,arch_str,latency_ms,predicted_ms\n"
      for (a, (m, p)) in zip(archs, zip(measured, predicted)) {
        text += "\(a.index),\(MeasurementsCSV.quote(a.arch)),\(m),\(p)\n"
      }
      validationCSV = out + ".validation.csv"
      try writeAtomically(Data(text.utf8), to: out + ".validation.csv")
    }
    let validateSeconds = Date().timeIntervalSince(tValidate)

    // Write.
    let metaID = MetaPredictorCatalog.id(of: meta)
    let shotArchs = shotList.map { PredictorMetadata.ShotArch(index: $0.index, arch: $0.arch, latencyMs: $0.latencyMs) }
    let md = PredictorMetadata(
      space: dp.space, modelJSON: AdaptFlow.modelJSON(adapted, metaPredictorID: metaID),
      targetNormalisationJSON: AdaptFlow.normalisationJSON(adapted), referenceArchs: dp.references.map(\.arch),
      referenceLatencyMs: dp.referenceMedians ?? [], deviceEmbedding: adapted.normaliser.embedding.map(Double.init),
      host: dp.host,
      provenance: .init(helpprofVersion: HelpProf.version, metaPredictorID: metaID, shots: shotList.count, seed: seed,
                        shotStrategy: strategy, shotArchs: shotArchs, settings: dp.settings,
                        createdAt: DeviceProfile.timestamp()),
      validation: summary)
    let file = try AdaptFlow.predictorFile(adapted, metadata: md)
    try file.write(to: out)
    let total = Date().timeIntervalSince(t0)

    let result = Result(out: out, space: dp.space.rawValue, shots: shotArchs, shotStrategy: strategy, seed: seed,
                        seconds: .init(measureShots: shotSeconds, adapt: adaptSeconds, validate: validateSeconds, total: total),
                        validation: summary?.metrics, validationCSV: validationCSV)
    if json {
      try printJSON(result)
    } else if !quiet {
      var lines = ["predictor \(out) (\(dp.space.rawValue), \(shotList.count) shots \(strategy), seed \(seed), meta-predictor \(metaID))",
                   String(format: "time: shots %.1f s, adapt %.2f s, validate %.1f s, total %.1f s",
                          shotSeconds, adaptSeconds, validateSeconds, total)]
      if let m = summary?.metrics {
        lines.append(String(format: "validation on %d archs: Spearman %.4f, Kendall %.4f, MAPE %.2f %%, within ±10 %% %.1f %%, within ±5 %% %.1f %%",
                            m.count, m.spearman, m.kendall, m.mapePercent, m.within10Percent, m.within5Percent))
        lines.append("validation measurements: \(validationCSV ?? "")  (helpprof report --predictor \(out) --measurements \(validationCSV ?? ""))")
      }
      lines.append(dp.space == .nb201
        ? "next: helpprof predict --predictor \(out) --index 1462   |   python3 tools/helpprof_predictor.py \(out) --index 1462"
        : "next: helpprof predict --predictor \(out) --config '\(shotList.first?.arch ?? "r=224 d=... ks=... e=...")'")
      print(lines.joined(separator: "\n"))
    }
  }
}
