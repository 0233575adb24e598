import Counters
import Foundation
import Profiler
import SearchSpace

/// `helpprof embed` as one library call: measure the bundled meta-predictor's reference architectures into a
/// resumable device profile (`EmbedSession`: written atomically before the first measurement and after each
/// reference). Measuring is injected (`MakeMeasurer`), so tests run it without timing:
/// ```swift
/// var request = EmbedFlow.Request(outPath: "device.json", helpprofVersion: "0.1.0")
/// request.space = .ofa
/// let outcome = try EmbedFlow.run(request) { settings, _, _ in Embedder.measurer(settings: settings) }
/// print(outcome.profile.embedding ?? [])
/// ```
public enum EmbedFlow {
  /// What to measure, how, and where the profile goes.
  public struct Request: Sendable {
    public var space: SpaceKind = .nb201
    /// NB201 dataset of the measured networks (nil: cifar10); OFA: nil or "imagenet".
    public var dataset: String?
    /// Kernel configuration name and OpenBLAS threads.
    public var kernels = "default"
    public var threads = 1
    /// Caps of the measurement protocol (nil: the profiler's defaults).
    public var maxSecondsPerArch: Double?
    public var maxSamples: Int?
    /// The device profile to write (or resume).
    public var outPath: String
    /// Ignore a profile at `outPath` and measure everything again.
    public var restart = false
    /// Recorded in the profile.
    public var helpprofVersion: String
    /// The host context to record; nil collects it (`HostInfo.collect`, 0.2 s load sample, no counters).
    public var host: HostSummary?

    public init(outPath: String, helpprofVersion: String) {
      self.outPath = outPath
      self.helpprofVersion = helpprofVersion
    }
  }

  /// What an embed measured and wrote.
  public struct Outcome {
    /// The complete profile, as written to `path`.
    public var profile: DeviceProfile
    public var path: String
    /// References found already measured in the file (resumed).
    public var resumed: Int
    /// Seconds spent measuring.
    public var seconds: Double
  }

  /// Makes the measurer for the pending references, once the profile is open: the profiler settings, how many
  /// references were resumed and how many there are (for progress).
  /// The real one: `{ settings, _, _ in Embedder.measurer(settings: settings) }`.
  public typealias MakeMeasurer = (_ settings: ProfileSettings, _ resumed: Int, _ total: Int) -> EmbedSession.Measurer

  /// The profiler settings `run` measures with.
  public static func settings(_ request: Request) -> ProfileSettings {
    Embedder.profileSettings(space: request.space, dataset: request.dataset, kernels: request.kernels,
                             threads: request.threads, maxSecondsPerArch: request.maxSecondsPerArch,
                             maxSamples: request.maxSamples)
  }

  /// Checks the settings, opens (or resumes) the profile at `outPath` and measures the references still pending.
  /// An interrupted or failed measurement leaves every finished reference in the file and throws
  /// (`incompleteProfile` when the measurer stopped early).
  public static func run(_ request: Request, measurer: MakeMeasurer) throws -> Outcome {
    let settings = settings(request)
    try settings.validate()
    let refs = try MetaPredictorCatalog.referenceArchs(space: request.space)
    let host = request.host ?? HostSummary(HostInfo.collect(sampleSeconds: 0.2, counters: []))
    let fresh = DeviceProfile(
      space: request.space, host: host,
      settings: EmbedSettings(kernels: request.kernels, threads: request.threads, batch: 1,
                              dataset: request.space == .nb201 ? settings.dataset : nil,
                              protocolSummary: Embedder.protocolSummary(settings),
                              metaPredictorID: try MetaPredictorCatalog.id(space: request.space),
                              maxSecondsPerArch: request.maxSecondsPerArch, maxSamples: request.maxSamples),
      references: refs, helpprofVersion: request.helpprofVersion)
    var session = try EmbedSession(path: request.outPath, fresh: fresh, restart: request.restart)
    let resumed = session.resumedCount
    let measure = measurer(settings, resumed, refs.count)
    let start = Date()
    let profile = try session.run(measure)
    return Outcome(profile: profile, path: request.outPath, resumed: resumed,
                   seconds: Date().timeIntervalSince(start))
  }
}
