// Onboarding: device profiles (embed) and adaptation (adapt) that tie profiler and predictor together.
#if canImport(Counters)
import Counters
#endif
import Foundation
#if canImport(SearchSpace)
import SearchSpace
#endif
#if canImport(SafeIO)
import SafeIO
#endif
// (The conditional imports let fuzz/build.sh compile this file together with its few dependencies into one
// fuzzing binary; in the package they are always present.)

/// Everything `helpprof embed` learned about this machine: which reference architectures were measured, how,
/// on what host, every raw sample and its robust statistics, and the hardware embedding (the reference
/// latencies min–max normalised to [0, 1], HELP's device descriptor).
///
/// Stored as pretty JSON (`device.json`). The file is rewritten atomically after every reference architecture,
/// so an interrupted embed leaves a valid, incomplete profile that a rerun resumes (see `EmbedSession`).
public struct DeviceProfile: Codable, Sendable, Equatable {
  /// Value of `format`.
  public static let formatName = "helpprof-device-profile"
  /// Newest schema this build reads and the one it writes.
  public static let currentSchemaVersion = 1

  public var format: String
  public var schemaVersion: Int
  public var helpprofVersion: String
  /// ISO-8601 UTC times.
  public var createdAt: String
  public var updatedAt: String
  public var space: SpaceKind
  public var host: HostSummary
  public var settings: EmbedSettings
  /// One entry per reference architecture, in the meta-predictor's reference order; `measurement` is nil until
  /// measured.
  public var references: [ReferenceMeasurement]
  /// Reference medians min–max normalised to [0, 1] (HELP's hardware embedding); nil until all are measured.
  public var embedding: [Double]?
  /// The references' measurement quality (CI spread, slow rounds, verdict); nil for profiles measured before
  /// the canary protocol recorded CIs.
  public var measurementQuality: MeasurementQuality?

  /// True when every reference has a measurement and the embedding is set.
  public var isComplete: Bool { embedding != nil && references.allSatisfy { $0.measurement != nil } }

  /// Latencies (ms) of the references, in order: the protocol's estimate (`latencyMs`, canary-corrected), or the
  /// samples' median for measurements without one; nil while any is unmeasured.
  public var referenceMedians: [Double]? {
    let m = references.compactMap { $0.measurement?.estimateMs }
    return m.count == references.count ? m : nil
  }

  public init(space: SpaceKind, host: HostSummary, settings: EmbedSettings, references: [ReferenceArch],
              helpprofVersion: String, now: String = DeviceProfile.timestamp()) {
    format = DeviceProfile.formatName
    schemaVersion = DeviceProfile.currentSchemaVersion
    self.helpprofVersion = helpprofVersion
    createdAt = now
    updatedAt = now
    self.space = space
    self.host = host
    self.settings = settings
    self.references = references.map { ReferenceMeasurement(arch: $0, measurement: nil) }
    embedding = nil
    measurementQuality = nil
  }

  /// Recomputes `embedding` from the medians (nil while incomplete) and the measurement quality.
  public mutating func refreshEmbedding() {
    embedding = referenceMedians.map(DeviceProfile.minMaxNormalise)
    measurementQuality = MeasurementQuality(references: references)
  }

  /// Min–max normalisation to [0, 1]; all-equal values map to 0.5.
  public static func minMaxNormalise(_ values: [Double]) -> [Double] {
    guard let lo = values.min(), let hi = values.max() else { return [] }
    guard hi > lo else { return values.map { _ in 0.5 } }
    return values.map { ($0 - lo) / (hi - lo) }
  }

  /// Current UTC time, ISO-8601.
  public static func timestamp(_ date: Date = Date()) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.string(from: date)
  }

  // MARK: Reading and writing

  /// Pretty, key-sorted, snake_case JSON (`JSONStyle`; profiles with the older camelCase keys still load).
  public func encoded() throws -> Data { try JSONStyle.encoder().encode(self) }

  /// Writes atomically (SafeIO's `AtomicFile`: temp file, fsync, rename); errors as `OnboardingError.io`.
  public func write(to path: String) throws {
    do {
      try AtomicFile.write([UInt8](try encoded()), to: path)
    } catch let e as IOFailure {
      throw OnboardingError.io(path: path, reason: e.reason)
    }
  }

  /// Reads and validates a profile.
  public static func read(path: String) throws -> DeviceProfile {
    let data: Data
    do {
      data = Data(try ReadFile.bytes(path))
    } catch let e as IOFailure {
      throw OnboardingError.io(path: path, reason: e.reason)
    }
    return try decode(data, source: path)
  }

  /// Decodes and validates profile JSON; `source` names the file in errors.
  public static func decode(_ data: Data, source: String = "device profile") throws -> DeviceProfile {
    // Check format and version before the full decode so a newer file gets the right message.
    guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
      throw OnboardingError.badProfile(path: source, reason: "not a JSON object")
    }
    guard let format = object["format"] as? String else {
      throw OnboardingError.badProfile(path: source, reason: "no 'format' field: expected '\(formatName)'")
    }
    guard format == formatName else {
      throw OnboardingError.badProfile(path: source, reason: "format is '\(format)': expected '\(formatName)'")
    }
    guard let version = (object["schema_version"] ?? object["schemaVersion"]) as? Int else {
      throw OnboardingError.badProfile(path: source, reason: "no integer 'schema_version'")
    }
    guard version <= currentSchemaVersion else {
      throw OnboardingError.newerVersion(path: source, found: version, supported: currentSchemaVersion)
    }
    let profile: DeviceProfile
    do {
      profile = try JSONStyle.decoder().decode(DeviceProfile.self, from: data)
    } catch let error as DecodingError {
      throw OnboardingError.badProfile(path: source, reason: OnboardingError.describe(error))
    }
    try profile.validate(source: source)
    return profile
  }

  /// Checks internal consistency: version, reference list, samples finite and positive, statistics matching the
  /// samples, embedding consistent with the medians.
  public func validate(source: String = "device profile") throws {
    func bad(_ reason: String) -> OnboardingError { .badProfile(path: source, reason: reason) }
    guard schemaVersion >= 1 else { throw bad("schemaVersion \(schemaVersion): expected >= 1") }
    guard !references.isEmpty else { throw bad("no reference architectures") }
    guard settings.threads >= 1 else { throw bad("settings.threads \(settings.threads): expected >= 1") }
    var seen = Set<String>()
    for (i, r) in references.enumerated() {
      guard seen.insert(r.arch.key).inserted else { throw bad("reference \(i) '\(r.arch.key)' listed twice") }
      guard r.arch.index >= 0 else { throw bad("reference \(i) index \(r.arch.index): expected >= 0") }
      guard let m = r.measurement else { continue }
      guard !m.samplesMs.isEmpty else { throw bad("reference \(i) (\(r.arch.key)) has no samples") }
      guard m.samplesMs.allSatisfy({ $0.isFinite && $0 > 0 }) else {
        throw bad("reference \(i) (\(r.arch.key)) has a sample that is not a positive finite number of ms")
      }
      guard let stats = SampleStats(m.samplesMs), abs(stats.median - m.stats.median) <= 1e-9 * max(1, stats.median),
            stats.count == m.stats.count else {
        throw bad("reference \(i) (\(r.arch.key)) statistics do not match its samples (median \(m.stats.median))")
      }
      if let v = m.latencyMs, !(v.isFinite && v > 0) {
        throw bad("reference \(i) (\(r.arch.key)) latencyMs \(v): expected a positive finite number of ms")
      }
    }
    if let e = embedding {
      guard let medians = referenceMedians else { throw bad("embedding present but some references are unmeasured") }
      guard e.count == references.count else {
        throw bad("embedding has \(e.count) values: expected \(references.count) (one per reference)")
      }
      let want = DeviceProfile.minMaxNormalise(medians)
      for (a, b) in zip(e, want) where !(abs(a - b) <= 1e-9) {
        throw bad("embedding value \(a) differs from the normalised reference median \(b)")
      }
    }
  }
}

/// A reference architecture: its index in the space's list and its text form (NB201 arch string or OFA config).
public struct ReferenceArch: Codable, Sendable, Equatable, Hashable {
  public var index: Int
  public var arch: String
  public init(index: Int, arch: String) {
    self.index = index
    self.arch = arch
  }
  /// "index|arch", unique within a space.
  public var key: String { "\(index)|\(arch)" }
}

/// One reference architecture and (once measured) its samples.
public struct ReferenceMeasurement: Codable, Sendable, Equatable {
  public var arch: ReferenceArch
  public var measurement: Measurement?

  /// Raw samples (ms) with statistics and context.
  public struct Measurement: Codable, Sendable, Equatable {
    public var samplesMs: [Double]
    public var stats: SampleStats
    /// Whether the measurement was disturbed: preempted runs or load from other processes, or a CI beyond the
    /// quality limit for one reference (5 %; `Embedder.referenceNoisy`). Before the eighth stop also set when the
    /// CI was merely above the 0.5 % stop target, which on a shared VM was nearly always.
    public var noisy: Bool
    /// Other processes' CPU use (cores) while measuring, when known.
    public var otherCores: Double?
    public var measuredAt: String
    public var macs: Int?
    /// The protocol's estimate (ms; canary: median ratio × canary baseline); nil in profiles from before it.
    public var latencyMs: Double?
    /// Relative half-width of the estimate's 95 % CI; the arch's slow and total rounds; the canary baseline (ms).
    public var ciRelative: Double?
    public var slowRounds: Int?
    public var rounds: Int?
    public var canaryMs: Double?
    /// The latency the embedding uses: `latencyMs`, else the samples' median.
    public var estimateMs: Double { latencyMs ?? stats.median }
    public init(samplesMs: [Double], noisy: Bool, otherCores: Double?, macs: Int?,
                measuredAt: String = DeviceProfile.timestamp(), latencyMs: Double? = nil, ciRelative: Double? = nil,
                slowRounds: Int? = nil, rounds: Int? = nil, canaryMs: Double? = nil) throws {
      guard let s = SampleStats(samplesMs) else {
        throw OnboardingError.badMeasurement("samples \(samplesMs.prefix(5)) are empty or not finite")
      }
      self.samplesMs = samplesMs
      stats = s
      self.noisy = noisy
      self.otherCores = otherCores
      self.macs = macs
      self.measuredAt = measuredAt
      self.latencyMs = latencyMs
      self.ciRelative = ciRelative
      self.slowRounds = slowRounds
      self.rounds = rounds
      self.canaryMs = canaryMs
    }
  }
}

/// How the references were measured. A resumed embed must use the same settings.
public struct EmbedSettings: Codable, Sendable, Equatable {
  public var kernels: String
  public var threads: Int
  public var batch: Int
  /// NB201 dataset (cifar10 ...); nil for OFA.
  public var dataset: String?
  /// Timing metric and protocol summary, e.g. "wall, 10...100 samples, target rel. IQR 0.02".
  public var protocolSummary: String
  /// Identity of the meta-predictor whose reference list was measured.
  public var metaPredictorID: String
  /// Protocol caps given on the command line (nil = profiler defaults); adapt measures its shots the same way.
  public var maxSecondsPerArch: Double?
  public var maxSamples: Int?
  public init(kernels: String, threads: Int, batch: Int = 1, dataset: String?, protocolSummary: String,
              metaPredictorID: String, maxSecondsPerArch: Double? = nil, maxSamples: Int? = nil) {
    self.maxSecondsPerArch = maxSecondsPerArch
    self.maxSamples = maxSamples
    self.kernels = kernels
    self.threads = threads
    self.batch = batch
    self.dataset = dataset
    self.protocolSummary = protocolSummary
    self.metaPredictorID = metaPredictorID
  }
}

/// The host facts a predictor file carries (a compact view of `HostInfo`).
public struct HostSummary: Codable, Sendable, Equatable {
  public var hostname: String
  public var cpuModel: String
  public var logicalCPUs: Int
  public var simdLevel: String
  public var openBLASCore: String
  public var kernel: String
  public var os: String
  public var virtualization: String
  public var frequencyScaling: String
  public var warnings: [String]

  public init(hostname: String, cpuModel: String, logicalCPUs: Int, simdLevel: String, openBLASCore: String,
              kernel: String, os: String, virtualization: String, frequencyScaling: String, warnings: [String]) {
    self.hostname = hostname
    self.cpuModel = cpuModel
    self.logicalCPUs = logicalCPUs
    self.simdLevel = simdLevel
    self.openBLASCore = openBLASCore
    self.kernel = kernel
    self.os = os
    self.virtualization = virtualization
    self.frequencyScaling = frequencyScaling
    self.warnings = warnings
  }

  #if canImport(Counters)
  /// Summary of a collected `HostInfo`.
  public init(_ info: HostInfo) {
    self.init(hostname: info.hostname, cpuModel: info.cpu.model, logicalCPUs: info.cpu.logicalCPUs,
              simdLevel: info.simdLevel, openBLASCore: info.openBLAS.coreName, kernel: info.kernel, os: info.os,
              virtualization: info.virtualization, frequencyScaling: info.frequencyScaling, warnings: info.warnings)
  }
  #endif

  /// One line: "Intel Xeon ... (2 CPUs, avx2+fma, OpenBLAS Haswell)".
  public var oneLine: String { "\(cpuModel) (\(logicalCPUs) CPUs, \(simdLevel), OpenBLAS \(openBLASCore))" }
}
