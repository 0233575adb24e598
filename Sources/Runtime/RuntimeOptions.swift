/// How a network is planned and run.
public struct RuntimeOptions: Codable, Sendable, Equatable {
  /// Kernel variant per op kind; default: the "default" configuration (fastest measured mix).
  public var kernels: KernelConfig
  /// Threads for OpenBLAS. Our own C kernels run single-threaded (see kernels/README.md).
  public var threads: Int
  /// Images per forward pass.
  public var batch: Int
  /// Fold inference BatchNorm into the preceding conv (false keeps BN as a separate op).
  public var foldBN: Bool
  /// Skip NB201 cell edges that are not live (`NB201Cell.liveEdges`); false executes every op like PyTorch
  /// (`none` = multiply by 0, really executed).
  public var pruneDeadOps: Bool
  /// Seed for weights and input (SplitMix64).
  public var seed: UInt64

  public init(kernels: KernelConfig = .standard, threads: Int = 1, batch: Int = 1, foldBN: Bool = true,
              pruneDeadOps: Bool = false, seed: UInt64 = 0) {
    self.kernels = kernels
    self.threads = threads
    self.batch = batch
    self.foldBN = foldBN
    self.pruneDeadOps = pruneDeadOps
    self.seed = seed
  }

  /// Threads a network may use: the one range every command and setting checks (`checkThreads`).
  public static let threadRange = 1...256

  /// Throws unless `threads` is in `threadRange`, one message for every caller:
  /// `try RuntimeOptions.checkThreads(0, name: "--threads")` → "--threads 0 out of range: expected 1...256".
  public static func checkThreads(_ threads: Int, name: String = "threads") throws {
    guard threadRange.contains(threads) else {
      throw RuntimeError("\(name) \(threads) out of range: expected \(threadRange.lowerBound)...\(threadRange.upperBound)")
    }
  }

  /// Throws when a field is out of range.
  func validate() throws {
    try Self.checkThreads(threads)
    guard (1...1024).contains(batch) else { throw RuntimeError("batch \(batch) out of range: expected 1...1024") }
  }
}
