import Counters
import Foundation
import Runtime
import SearchSpace

/// Everything that determines a profile's numbers: space, runtime options, measurement protocol, device name.
/// Two runs may only share (resume) one CSV when their settings are equal.
public struct ProfileSettings: Codable, Sendable, Equatable {
  public var space: SpaceKind
  /// NB201: "cifar10", "cifar100" or "ImageNet16-120". OFA: "imagenet".
  public var dataset: String
  /// Kernel configuration name (Runtime.KernelConfig).
  public var kernels: String = "default"
  public var threads: Int = 1
  public var pruneDeadOps: Bool = false
  /// Keep BatchNorm as a separate op instead of folding it into the conv.
  public var keepBN: Bool = false
  /// Seed of the weights and input.
  public var seed: UInt64 = 0
  /// PAPI counters to record in a separate pass (when available).
  public var counters: [String] = CounterSet.defaultEvents
  public var measurement = MeasurementProtocol()
  /// A fixed CSV `device` name (`--device`); nil derives it from host and settings.
  public var deviceOverride: String?

  public init(space: SpaceKind, dataset: String? = nil, device: String? = nil) {
    self.space = space
    self.dataset = dataset ?? (space == .nb201 ? NB201Dataset.cifar10.rawValue : "imagenet")
    self.deviceOverride = device
    measurement = MeasurementProtocol.defaults(for: space)
  }

  /// The CSV `device` column: the override, or `deviceName(cpuModel:)` of this machine's CPU.
  public var device: String { deviceOverride ?? deviceName(cpuModel: ProfileSettings.localCPUModel) }

  /// The NB201 dataset, when the space is NB201.
  public var nb201Dataset: NB201Dataset? { NB201Dataset(rawValue: dataset) }

  /// Throws a `ProfilerError` for inconsistent settings.
  public func validate() throws {
    try measurement.validate()
    switch space {
    case .nb201:
      guard nb201Dataset != nil else {
        throw ProfilerError("dataset '\(dataset)': expected one of "
          + NB201Dataset.allCases.map(\.rawValue).joined(separator: ", ") + " for nb201")
      }
    case .ofa:
      guard dataset == "imagenet" else { throw ProfilerError("dataset '\(dataset)': OFA only has 'imagenet'") }
    }
    do { try RuntimeOptions.checkThreads(threads) } catch { throw ProfilerError("\(error)") }
    if measurement.metric == .cpu && threads > 1 {
      throw ProfilerError("--metric cpu with \(threads) threads: thread CPU time misses the worker threads; "
        + "use --metric wall or --threads 1")
    }
    guard !device.isEmpty, !device.contains(","), !device.contains("\n") else {
      throw ProfilerError("device name '\(device)': expected a non-empty name without commas or newlines")
    }
  }

  /// Default device name: `helpprof-<cpu>-<threads>t-<kernels>` plus `-prune`, `-bn`, `-cpuclock`, `-min`/`-p10`
  /// when those settings are on. `<cpu>` is the CPU model lower-cased, (R)/(TM)/"processor"/"cpu" removed, non-alphanumerics
  /// as `_` (e.g. "AMD EPYC" → `amd_epyc`, "Intel(R) Xeon(R) Processor" → `intel_xeon`).
  public func deviceName(cpuModel: String) -> String {
    var parts = ["helpprof", ProfileSettings.slug(cpuModel), "\(threads)t", kernels]
    if pruneDeadOps { parts.append("prune") }
    if keepBN { parts.append("bn") }
    if measurement.metric == .cpu { parts.append("cpuclock") }
    if measurement.statistic != .median { parts.append(measurement.statistic.rawValue) }
    return parts.joined(separator: "-")
  }

  /// Lower-case alphanumeric slug of a CPU model string.
  public static func slug(_ model: String) -> String {
    var s = model.lowercased()
    for junk in ["(r)", "(tm)", "processor", " cpu ", "@"] { s = s.replacingOccurrences(of: junk, with: " ") }
    if s.hasSuffix(" cpu") { s = String(s.dropLast(4)) }
    let mapped = s.map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    let collapsed = mapped.split(separator: "_").joined(separator: "_")
    return collapsed.isEmpty ? "cpu" : collapsed
  }

  /// "model name" of /proc/cpuinfo, or PAPI's model, or "cpu".
  public static var localCPUModel: String {
    if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
       let m = HostProbes.parseCPUInfo(text)["model name"] { return m }
    return PAPIContext.shared.hardware?.model ?? "cpu"
  }
}
