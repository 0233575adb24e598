/// Something the profiler can time: one forward pass per `run()`. Networks are adapted in RuntimeWorkload;
/// tests use closures.
public protocol Workload: AnyObject {
  /// One forward pass.
  func run()
  /// One pass timing every layer with `now()` (ns); (layer name, op kind, ns) in execution order.
  /// Workloads without layers return [].
  func runTimingLayers(now: () -> UInt64) -> [(name: String, kind: String, nanoseconds: UInt64)]
}

/// Builds the workload of an arch. Called lazily, once per arch and attempt; the workload is released as
/// soon as that arch is finished, so only one window of networks is alive at a time.
public typealias WorkloadFactory = (ArchSpec) throws -> Workload

/// A workload from a closure (tests, micro-benchmarks).
public final class ClosureWorkload: Workload {
  private let body: () -> Void
  public init(_ body: @escaping () -> Void) { self.body = body }
  public func run() { body() }
  public func runTimingLayers(now: () -> UInt64) -> [(name: String, kind: String, nanoseconds: UInt64)] {
    let t0 = now()
    body()
    return [("all", "closure", now() &- t0)]
  }
}
