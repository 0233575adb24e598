import Runtime
import SearchSpace

/// A Runtime `Network` as a profiler workload.
public final class RuntimeWorkload: Workload {
  public let network: Network

  public init(_ network: Network) { self.network = network }

  public func run() { network.run() }

  public func runTimingLayers(now: () -> UInt64) -> [(name: String, kind: String, nanoseconds: UInt64)] {
    network.runTimingLayers(now: now)
  }

  /// Runtime options implied by profile settings (batch 1).
  public static func options(_ s: ProfileSettings) throws -> RuntimeOptions {
    let kernels: KernelConfig
    do {
      kernels = try KernelConfig.named(s.kernels)
    } catch {
      throw ProfilerError("kernels '\(s.kernels)': expected one of \(KernelConfig.availableNames.joined(separator: ", "))")
    }
    return RuntimeOptions(kernels: kernels, threads: s.threads, batch: 1, foldBN: !s.keepBN,
                          pruneDeadOps: s.pruneDeadOps, seed: s.seed)
  }

  /// A factory building each arch's network from `settings` (NB201 dataset from `settings.dataset`).
  public static func factory(_ settings: ProfileSettings) throws -> WorkloadFactory {
    let opts = try options(settings)
    let dataset = settings.nb201Dataset
    return { spec in
      switch spec {
      case .nb201(_, let cell):
        guard let dataset else {
          throw ProfilerError("dataset '\(settings.dataset)' is not an NB201 dataset")
        }
        return RuntimeWorkload(try Network.nb201(cell, dataset: dataset, options: opts))
      case .ofa(_, let config):
        return RuntimeWorkload(try Network.ofa(config, options: opts))
      }
    }
  }
}
