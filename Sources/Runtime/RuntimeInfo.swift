import CKernels
import COpenBLAS
import Counters
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Facts for measurement context (OpenBLAS core and threads, read from Counters' `OpenBLASFacts`; SIMD level) and
/// OpenBLAS set-up (thread count, core type).
public enum RuntimeInfo {
  /// OpenBLAS's kernel core, e.g. "Cooperlake", "SkylakeX", "Haswell", "Prescott" (asked of `OpenBLASFacts`, the one
  /// place that queries OpenBLAS).
  public static var openBLASCoreName: String { OpenBLASFacts.coreName }

  /// Threads OpenBLAS uses now (`OpenBLASFacts.threads`).
  public static var openBLASThreads: Int { OpenBLASFacts.threads }

  /// SIMD level our kernels dispatch to: "avx512", "avx2+fma" or "portable".
  public static var simdLevel: String { String(cString: ck_simd_level_name()) }

  /// Sets OpenBLAS's thread count (only when it differs, so repeated calls are cheap).
  public static func configureOpenBLAS(threads: Int) {
    if OpenBLASFacts.threads != threads { openblas_set_num_threads(Int32(threads)) }
  }

  /// OpenBLAS cores that are generic fallbacks (SSE-era kernels): 3–5× slower sgemm on a modern x86 CPU.
  public static let slowOpenBLASCores: Set<String> = [
    "Prescott", "Katmai", "Coppermine", "Northwood", "Banias", "Core2", "Penryn", "Dunnington", "Nehalem",
    "Atom", "Barcelona", "Opteron", "Opteron(SSE3)", "Nano", "Bobcat", "Unknown", "unknown",
  ]

  /// The OPENBLAS_CORETYPE to ask for on this CPU: "SkylakeX" with AVX-512F, "Haswell" with AVX2+FMA, else nil.
  public static var recommendedCoreType: String? {
    switch ck_cpu_simd_level() {
    case 2: return "SkylakeX"
    case 1: return "Haswell"
    default: return nil
    }
  }

  /// If OpenBLAS picked a slow fallback core and OPENBLAS_CORETYPE is unset, sets it from the CPU features and
  /// re-executes this process (`execv("/proc/self/exe", arguments)`): OpenBLAS reads the variable only when it
  /// loads. Returns normally (nothing changed) when the core is already fast, the variable is set, or the re-exec
  /// is impossible. Call it first thing in the CLI entry point.
  public static func ensureOpenBLASCoreType(arguments: [String] = CommandLine.arguments) {
    #if os(Linux)
    if getenv("OPENBLAS_CORETYPE") != nil || getenv("HELPPROF_OPENBLAS_REEXEC") != nil { return }
    guard slowOpenBLASCores.contains(openBLASCoreName), let core = recommendedCoreType else { return }
    setenv("OPENBLAS_CORETYPE", core, 1)
    setenv("HELPPROF_OPENBLAS_REEXEC", "1", 1)
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
    argv.append(nil)
    execv("/proc/self/exe", argv)
    // execv returned: it failed. Carry on with the slow core; the results record openblas_core.
    for p in argv { free(p) }
    unsetenv("OPENBLAS_CORETYPE")
    #endif
  }
}
