import COpenBLAS

/// The one place that asks OpenBLAS about itself: its kernel core, its thread count and its build string.
///
/// `HostInfo.collect()` records these with every profile; the runtime (`RuntimeInfo`) asks here too, so a
/// measurement and its context read the same values:
/// ```swift
/// print(OpenBLASFacts.coreName, OpenBLASFacts.threads)   // "Cooperlake 1"
/// ```
public enum OpenBLASFacts {
  /// OpenBLAS's kernel core (`openblas_get_corename`), e.g. "Cooperlake", "SkylakeX", "Haswell", "Prescott".
  public static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

  /// Threads OpenBLAS uses now (`openblas_get_num_threads`).
  public static var threads: Int { Int(openblas_get_num_threads()) }

  /// OpenBLAS build string (`openblas_get_config`).
  public static var config: String { openblas_get_config().map { String(cString: $0) } ?? "unknown" }

  /// All three, as `HostInfo` stores them.
  public static var current: HostInfo.OpenBLAS { HostInfo.OpenBLAS(coreName: coreName, threads: threads, config: config) }
}
