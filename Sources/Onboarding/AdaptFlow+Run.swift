import Foundation
import Predictor
import Profiler
import SafeIO
import SearchSpace

/// `helpprof adapt` as one library call: a request in, an outcome out, the predictor file (and the validation
/// CSV) written atomically. Measuring is injected (`SessionMeasure`), so tests run the whole flow without timing:
/// ```swift
/// var request = AdaptFlow.Request(profilePath: "device.json", helpprofVersion: "0.1.0")
/// request.shots = 10
/// let outcome = try AdaptFlow.run(request, measure: AdaptFlow.profilerMeasure())
/// print(outcome.out, outcome.shots.count)
/// ```
extension AdaptFlow {
  /// What to adapt, from what, and where to write it.
  public struct Request: Sendable {
    /// Device profile written by embed.
    public var profilePath: String
    /// The search space the caller expects; nil takes the profile's.
    public var expectedSpace: SpaceKind?
    /// Shots to measure (or to take from `measurementsPath`).
    public var shots = 10
    /// CSV of already measured shots (`MeasurementsCSV`); nil measures them.
    public var measurementsPath: String?
    /// Validation architectures to measure as well (never used for adaptation).
    public var validationCount = 0
    /// Use the profile's reference latencies instead of measuring the references again with the shots (always
    /// the case with `measurementsPath`).
    public var profileReferences = false
    /// Seed of the shot choice (validation: seed + 1; session order: seed + 2; adaptation).
    public var seed: UInt64 = 1
    /// Adaptation steps; nil: `adaptationSteps(for:)`.
    public var steps: Int?
    /// Meta-predictor file; nil: the bundled one for the profile's space.
    public var metaPredictorPath: String?
    /// Predictor file to write; nil: device.helpp (device-ofa.helpp for OFA).
    public var outPath: String?
    /// Recorded in the file's provenance.
    public var helpprofVersion: String

    public init(profilePath: String, helpprofVersion: String) {
      self.profilePath = profilePath
      self.helpprofVersion = helpprofVersion
    }
  }

  /// What an adapt did and wrote.
  public struct Outcome {
    /// The predictor file written.
    public var out: String
    public var space: SpaceKind
    /// The shots adapted on (measured now or from the file).
    public var shots: [ArchMeasurement]
    /// `stratifiedStrategy` or `fileStrategy`.
    public var shotStrategy: String
    public var seed: UInt64
    /// "remeasured-with-shots" or "profile".
    public var referenceSource: String
    /// The meta-predictor's id (`MetaPredictorCatalog.id(of:)`).
    public var metaPredictorID: String
    /// Architectures measured (references again and shots in one interleaved session, then the validation archs).
    public var measuredCount: Int
    public var measureSeconds: Double
    public var adaptSeconds: Double
    public var totalSeconds: Double
    /// Metrics on the validation architectures, when any were measured.
    public var validation: PredictorMetadata.ValidationSummary?
    /// Where the validation measurements went (`out` + ".validation.csv").
    public var validationCSV: String?
    /// The references' measurement quality (re-measured now, or the profile's).
    public var quality: MeasurementQuality?
    /// The adapted predictor, as written.
    public var predictor: AdaptedPredictor
  }

  /// Latencies (ms, in input order) and the profiler rows of one measuring session.
  public struct SessionMeasurement {
    public var latencyMs: [Double]
    public var rows: [ProfileRow]
    public init(latencyMs: [Double], rows: [ProfileRow] = []) {
      self.latencyMs = latencyMs
      self.rows = rows
    }
  }

  /// Measures architectures with the profile's settings (the real one: `profilerMeasure`).
  public typealias SessionMeasure = (_ archs: [PoolArch], _ settings: ProfileSettings) throws -> SessionMeasurement

  /// Times with the profiler (`Embedder.archMeasurer`); `shouldStop` is polled between rounds (Ctrl-C).
  public static func profilerMeasure(shouldStop: @escaping () -> Bool = { false },
                                     progress: ((ProfileProgress) -> Void)? = nil) -> SessionMeasure {
    return { archs, settings in
      var rows: [ProfileRow] = []
      let ms = try Embedder.archMeasurer(settings: settings, shouldStop: shouldStop, onRows: { rows = $0 },
                                         progress: progress)(archs)
      return SessionMeasurement(latencyMs: ms, rows: rows)
    }
  }

  /// Runs the whole adapt: reads and checks the profile (and the output names, before anything is measured),
  /// chooses shots and validation architectures, measures the shots with the references in one seeded
  /// interleaved session (reference-grade budget) and the validation architectures after them (the profiler's
  /// budget), adapts with the guard rails, validates, and writes the predictor file.
  public static func run(_ request: Request, measure: SessionMeasure) throws -> Outcome {
    let t0 = Date()
    let profilePath = request.profilePath
    guard FileManager.default.fileExists(atPath: profilePath) else {
      throw OnboardingError.invalidArgument(
        "device profile \(profilePath) not found: run `helpprof embed` first (or pass --profile)")
    }
    let dp = try DeviceProfile.read(path: profilePath)
    let out = request.outPath ?? (dp.space == .ofa ? "device-ofa.helpp" : "device.helpp")
    try checkWritable(out)  // before measuring, not after
    if request.validationCount > 0 { try checkWritable(out + ".validation.csv") }
    if let want = request.expectedSpace, want != dp.space {
      throw OnboardingError.wrongSpace(path: profilePath, found: dp.space.rawValue, expected: want.rawValue)
    }
    try checkComplete(dp, profilePath: profilePath)
    let meta = try request.metaPredictorPath.map { try MetaPredictor.load(path: $0) }
      ?? MetaPredictorCatalog.bundled(space: dp.space)
    try checkMatches(dp, meta: meta, profilePath: profilePath)
    let dataset = NB201Dataset(rawValue: dp.settings.dataset ?? "") ?? .cifar10
    let settings = Embedder.profileSettings(for: dp)

    // Choose what to measure: shots (unless they come from a file), validation archs, and the references again.
    let pool = try AdaptFlow.pool(space: dp.space, dataset: dataset)
    // The references as values: checkMatches found the profile's texts, in order, to be the meta-predictor's.
    let refArchs = meta.referenceArchs
    var picks: [PoolArch] = []
    var fileShots: [ArchMeasurement] = []
    let strategy: String
    if let csv = request.measurementsPath {
      fileShots = try shotsFromCSV(try MeasurementsCSV.read(path: csv), space: dp.space, count: request.shots,
                                   seed: request.seed, references: refArchs, dataset: dataset, source: csv)
      strategy = fileStrategy
    } else {
      picks = try chooseShots(pool: pool, count: request.shots, seed: request.seed, references: refArchs)
      strategy = stratifiedStrategy
    }
    let exclude = Set(picks.map(\.arch) + fileShots.map(\.arch) + refArchs)
    let validation = request.validationCount > 0
      ? try chooseValidation(pool: pool, count: request.validationCount, seed: request.seed &+ 1, exclude: exclude) : []
    let remeasure = request.measurementsPath == nil && !request.profileReferences
    let refPool = try zip(dp.references, refArchs).map { r, a in
      PoolArch(index: r.arch.index, arch: a, macs: try a.macs(dataset: dataset))
    }
    // One interleaved session for references and shots, with the embed's reference-grade budget (load or clock
    // drift hits them alike); the validation archs in a second session with the profiler's own budget. Both are
    // scaled by the machine's recorded canary baseline (the CLI's CanaryBaselineStore), so they share one scale.
    let session = interleaved((remeasure ? refPool : []) + picks, seed: request.seed &+ 2)
    let validationSession = interleaved(validation, seed: request.seed &+ 3)
    let tMeasure = Date()
    var measured: [Arch: Double] = [:]
    var sessionRows: [ProfileRow] = []
    for (archs, s) in [(session, settings), (validationSession, Embedder.profileSettings(for: dp, referenceGrade: false))]
    where !archs.isEmpty {
      let m = try measure(archs, s)
      guard m.latencyMs.count == archs.count else {
        throw OnboardingError.badMeasurement("\(m.latencyMs.count) latencies for \(archs.count) architectures")
      }
      sessionRows += m.rows
      for (a, v) in zip(archs, m.latencyMs) { measured[a.arch] = v }
    }
    let measureSeconds = Date().timeIntervalSince(tMeasure)
    func latency(_ a: PoolArch) throws -> Double {
      guard let v = measured[a.arch] else { throw OnboardingError.badMeasurement("\(a.text) was not measured") }
      return v
    }
    let shots = request.measurementsPath == nil
      ? try picks.map { ArchMeasurement(index: $0.index, arch: $0.arch, latencyMs: try latency($0), macs: $0.macs) } : fileShots
    let referenceMs = remeasure ? try refPool.map(latency) : (dp.referenceMedians ?? [])
    let refTexts = Set(refPool.map(\.text))  // profiler rows name their arch by its text (arch_str)
    let quality = remeasure
      ? Embedder.quality(sessionRows.filter { refTexts.contains($0.archString) }, settings: settings)
      : dp.measurementQuality

    // Adapt. Guard rails (issue #13): clamp range from the pool's MACs; NB201: LOO blend with ridge on the public tables.
    let tAdapt = Date()
    let poolMACs = pool.map { Double($0.macs) }
    let sourceTables = dp.space == .nb201
      ? try? LatencyDataset(space: .nb201, directory: try LatencyDataset.locate(explicit: nil)) : nil
    let adapted = try adaptChecked(profile: dp, profilePath: profilePath, meta: meta, shots: shots, seed: request.seed,
                                   referenceMs: referenceMs, steps: request.steps,
                                   spaceMACs: (poolMACs.min() ?? 0, poolMACs.max() ?? 0), sources: sourceTables)
    let adaptSeconds = Date().timeIntervalSince(tAdapt)

    // Validate (measured above, never used for adaptation).
    var summary: PredictorMetadata.ValidationSummary?
    var validationCSV: String?
    if !validation.isEmpty {
      let truth = try validation.map(latency)
      let predicted = try adapted.predictMs(validation.map(\.arch))
      summary = .init(metrics: try ValidationMetrics(predicted: predicted, measured: truth), seed: request.seed &+ 1)
      var text = "arch_index,arch_str,latency_ms,predicted_ms\n"
      for (a, (m, p)) in zip(validation, zip(truth, predicted)) {
        text += "\(a.index),\(MeasurementsCSV.quote(a.text)),\(m),\(p)\n"
      }
      validationCSV = out + ".validation.csv"
      try AtomicFile.write(Data(text.utf8), to: out + ".validation.csv")
    }

    // Write.
    let metaID = MetaPredictorCatalog.id(of: meta)
    let referenceSource = remeasure ? "remeasured-with-shots" : "profile"
    let md = PredictorMetadata(
      space: dp.space, modelJSON: PredictorFile.modelJSON(adapted, metaPredictorID: metaID),
      targetNormalisationJSON: PredictorFile.normalisationJSON(adapted), referenceArchs: dp.references.map(\.arch),
      referenceLatencyMs: referenceMs, deviceEmbedding: adapted.normaliser.embedding.map(Double.init),
      host: dp.host,
      provenance: .init(helpprofVersion: request.helpprofVersion, metaPredictorID: metaID, shots: shots.count,
                        seed: request.seed, shotStrategy: strategy,
                        shotArchs: shots.map(PredictorMetadata.ShotArch.init),
                        settings: dp.settings, createdAt: DeviceProfile.timestamp(), referenceSource: referenceSource),
      validation: summary)
    try PredictorFile.make(adapted, metadata: md, quality: quality).write(to: out)
    return Outcome(out: out, space: dp.space, shots: shots, shotStrategy: strategy, seed: request.seed,
                   referenceSource: referenceSource, metaPredictorID: metaID, measuredCount: session.count + validationSession.count,
                   measureSeconds: measureSeconds, adaptSeconds: adaptSeconds,
                   totalSeconds: Date().timeIntervalSince(t0), validation: summary, validationCSV: validationCSV,
                   quality: quality, predictor: adapted)
  }

  /// Throws `outputNotWritable` when `path` could not be written later (`AtomicFile.checkWritable`).
  static func checkWritable(_ path: String) throws {
    do {
      try AtomicFile.checkWritable(path)
    } catch let e as IOFailure {
      throw OnboardingError.outputNotWritable(path: path, reason: e.reason, code: e.code)
    }
  }
}
