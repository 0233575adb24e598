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

      The references are measured again together with the shots (and validation archs), in one seeded \
      interleaved session, so drift since `embed` (load, clocks) cannot skew the embedding against the shots; \
      --profile-references uses the profile's latencies instead (always the case with --measurements).

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
    let t0 = Date()
    guard FileManager.default.fileExists(atPath: profile) else {
      throw fail("device profile \(profile) not found: run `helpprof embed` first (or pass --profile)", HelpExit.usage)
    }
    let dp = try DeviceProfile.read(path: profile)
    let out = outOption ?? (dp.space == .ofa ? "device-ofa.helpp" : "device.helpp")
    try requireWritable("--out", out)  // before measuring, not after
    if validateCount > 0 { try requireWritable("--out", out + ".validation.csv") }
    if let want = spaceName?.kind, want != dp.space {
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

    // Choose what to measure: shots (unless they come from a file), validation archs, and the references again.
    let pool = try AdaptFlow.pool(space: dp.space, dataset: dataset)
    let refTexts = dp.references.map(\.arch)
    var picks: [PoolArch] = []
    var fileShots: [ArchMeasurement] = []
    let strategy: String
    if let csv = measurements {
      let rows = try MeasurementsCSV.read(path: csv)
      fileShots = try AdaptFlow.shotsFromCSV(rows, space: dp.space, count: shots, seed: seed, references: refTexts,
                                             dataset: dataset, source: csv)
      strategy = AdaptFlow.fileStrategy
    } else {
      picks = try AdaptFlow.chooseShots(pool: pool, count: shots, seed: seed, references: refTexts)
      strategy = AdaptFlow.stratifiedStrategy
    }
    let exclude = Set(picks.map(\.arch) + fileShots.map(\.arch) + refTexts.map(\.arch))
    let validation = validateCount > 0
      ? try AdaptFlow.chooseValidation(pool: pool, count: validateCount, seed: seed &+ 1, exclude: exclude) : []
    let remeasure = measurements == nil && !profileReferences
    let refPool = try dp.references.map { r in
      PoolArch(index: r.arch.index, arch: r.arch.arch, macs: try ReferenceSet.macs(r.arch.arch, space: dp.space, dataset: dataset))
    }
    // One interleaved session: load or clock drift hits references, shots and validation archs alike.
    let session = AdaptFlow.interleaved((remeasure ? refPool : []) + picks + validation, seed: seed &+ 2)
    let tMeasure = Date()
    var measured: [String: Double] = [:]
    var sessionRows: [ProfileRow] = []
    if !session.isEmpty {
      let bar = quiet ? nil : ProgressBar(label: "measure", total: session.count)
      let ms = try Embedder.archMeasurer(settings: settings, shouldStop: stop, onRows: { sessionRows = $0 }) { p in
        bar?.show(done: p.done, detail: ProgressPrinter.eta(p))
      }(session)
      bar?.finish()
      for (a, v) in zip(session, ms) { measured[a.arch] = v }
    }
    let measureSeconds = Date().timeIntervalSince(tMeasure)
    func latency(_ a: PoolArch) throws -> Double {
      guard let v = measured[a.arch] else { throw OnboardingError.badMeasurement("\(a.arch) was not measured") }
      return v
    }
    let shotList = measurements == nil
      ? try picks.map { ArchMeasurement(index: $0.index, arch: $0.arch, latencyMs: try latency($0), macs: $0.macs) } : fileShots
    let referenceMs = remeasure ? try refPool.map(latency) : (dp.referenceMedians ?? [])
    let refKeys = Set(refPool.map(\.arch))
    let quality = remeasure
      ? Embedder.quality(sessionRows.filter { refKeys.contains($0.archString) }, settings: settings)
      : dp.measurementQuality

    // Adapt.
    let tAdapt = Date()
    // Guard rails (issue #13): clamp range from the pool's MACs; NB201: LOO blend with ridge on the public tables.
    let poolMACs = pool.map { Double($0.macs) }
    let sourceTables = dp.space == .nb201
      ? try? LatencyDataset(space: .nb201, directory: try LatencyDataset.locate(explicit: nil)) : nil
    let adapted = try AdaptFlow.adapt(profile: dp, profilePath: profile, meta: meta, shots: shotList, seed: seed,
                                      referenceMs: referenceMs, steps: steps,
                                      spaceMACs: (poolMACs.min() ?? 0, poolMACs.max() ?? 0), sources: sourceTables)
    let adaptSeconds = Date().timeIntervalSince(tAdapt)

    // Validate (measured above, never used for adaptation).
    var summary: PredictorMetadata.ValidationSummary?
    var validationCSV: String?
    if !validation.isEmpty {
      let truth = try validation.map(latency)
      let predicted = try adapted.predictMs(try validation.map { try AdaptFlow.archKey($0.arch, space: dp.space) })
      let metrics = try ValidationMetrics(predicted: predicted, measured: truth)
      summary = .init(metrics: metrics, seed: seed &+ 1)
      var text = "arch_index,arch_str,latency_ms,predicted_ms\n"
      for (a, (m, p)) in zip(validation, zip(truth, predicted)) {
        text += "\(a.index),\(MeasurementsCSV.quote(a.arch)),\(m),\(p)\n"
      }
      validationCSV = out + ".validation.csv"
      try writeAtomically(Data(text.utf8), to: out + ".validation.csv")
    }

    // Write.
    let metaID = MetaPredictorCatalog.id(of: meta)
    let shotArchs = shotList.map { PredictorMetadata.ShotArch(index: $0.index, arch: $0.arch, latencyMs: $0.latencyMs) }
    let md = PredictorMetadata(
      space: dp.space, modelJSON: AdaptFlow.modelJSON(adapted, metaPredictorID: metaID),
      targetNormalisationJSON: AdaptFlow.normalisationJSON(adapted), referenceArchs: dp.references.map(\.arch),
      referenceLatencyMs: referenceMs, deviceEmbedding: adapted.normaliser.embedding.map(Double.init),
      host: dp.host,
      provenance: .init(helpprofVersion: HelpProf.version, metaPredictorID: metaID, shots: shotList.count, seed: seed,
                        shotStrategy: strategy, shotArchs: shotArchs, settings: dp.settings,
                        createdAt: DeviceProfile.timestamp(),
                        referenceSource: remeasure ? "remeasured-with-shots" : "profile"),
      validation: summary)
    var file = try AdaptFlow.predictorFile(adapted, metadata: md)
    // One key beside PredictorMetadata's; the checksum covers all metadata, so seal again after adding it.
    if let q = quality {
      file.metadata["measurement_quality"] = try q.json()
      file.sealChecksum()
    }
    try file.write(to: out)
    let total = Date().timeIntervalSince(t0)

    let result = Result(out: out, space: dp.space.rawValue, shots: shotArchs, shotStrategy: strategy, seed: seed,
                        referenceSource: remeasure ? "remeasured-with-shots" : "profile",
                        seconds: .init(measure: measureSeconds, adapt: adaptSeconds, total: total),
                        validation: summary.map { ValidationJSON($0.metrics) }, validationCSV: validationCSV,
                        measurementQuality: quality)
    if !quiet, output.json, let w = quality?.warningLine { note(w) }
    if output.json {
      try printJSON(result)
    } else if !quiet {
      var lines = ["predictor \(out) (\(dp.space.rawValue), \(shotList.count) shots \(strategy), seed \(seed), meta-predictor \(metaID))",
                   String(format: "time: measured %d archs (%@) in %.1f s, adapt %.2f s, total %.1f s", session.count,
                          remeasure ? "references again + shots + validation, interleaved" : "shots + validation",
                          measureSeconds, adaptSeconds, total)]
      if let m = summary?.metrics {
        lines.append(String(format: "validation on %d archs: Spearman %.4f, Kendall %.4f, MAPE %.2f %%, within ±10 %% %.1f %%, within ±5 %% %.1f %%",
                            m.count, m.spearman, m.kendall, m.mapePercent, m.within10Percent, m.within5Percent))
        lines.append("validation measurements: \(validationCSV ?? "")  (helpprof report --predictor \(out) --measurements \(validationCSV ?? ""))")
      }
      if let q = quality {
        lines.append(q.summaryLine)
        if let w = q.warningLine { lines.append(w) }
      }
      lines.append(dp.space == .nb201
        ? "next: helpprof predict --predictor \(out) --index 1462   |   python3 tools/helpprof_predictor.py \(out) --index 1462"
        : "next: helpprof predict --predictor \(out) --config '\(shotList.first?.arch ?? "r=224 d=... ks=... e=...")'")
      print(lines.joined(separator: "\n"))
    }
  }
}
