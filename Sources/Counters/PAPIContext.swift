import CPAPI
import Foundation

/// The process-wide PAPI library state: initialised once, then queried for version, components and hardware.
///
/// PAPI may be unusable (library missing events, VM without a PMU); every fact here records what PAPI said,
/// including the exact return codes, so a measurement can state why counters were or were not available.
///
/// ```swift
/// let papi = PAPIContext.shared
/// print(papi.versionString, papi.initialised)
/// let t0 = papi.realNanoseconds()
/// ```
public final class PAPIContext: @unchecked Sendable {
  /// The one context of this process; `PAPI_library_init` runs on first use.
  public static let shared = PAPIContext()

  /// Return code of `PAPI_library_init(PAPI_VER_CURRENT)` (equal to `PAPI_VER_CURRENT` on success).
  public let initCode: Int32
  /// Whether the library initialised; timers fall back to `clock_gettime` when not.
  public let initialised: Bool
  /// "7.0.0.0" style version of the PAPI headers this binary was built with.
  public let versionString: String
  /// Every PAPI component with its state (enabled or the reason it is disabled).
  public let components: [PAPIComponent]
  /// `PAPI_num_hwctrs()`, the hardware counters PAPI believes exist (0 when uninitialised).
  public let hardwareCounterCount: Int

  private init() {
    let code = cpapi_library_init()
    initCode = code
    initialised = code == cpapi_ver_current()
    let v = cpapi_ver_current()
    versionString = "\((v >> 24) & 0xff).\((v >> 16) & 0xff).\((v >> 8) & 0xff).\(v & 0xff)"
    var comps: [PAPIComponent] = []
    if initialised {
      let n = PAPI_num_components()
      for i in 0..<max(0, n) {
        guard let info = PAPI_get_component_info(i) else { continue }
        let c = info.pointee
        comps.append(PAPIComponent(
          index: Int(i), name: cString(tuple: c.name), disabledCode: Int(c.disabled),
          disabledReason: cString(tuple: c.disabled_reason), counterCount: Int(c.num_cntrs)))
      }
      hardwareCounterCount = Int(max(0, PAPI_num_hwctrs()))
    } else {
      hardwareCounterCount = 0
    }
    components = comps
  }

  /// A one-line description of the init result, e.g. "PAPI 7.0.0.0 initialised" or the failing code.
  public var initSummary: String {
    initialised
      ? "PAPI \(versionString) initialised"
      : "PAPI_library_init = \(initCode) (\(PAPIContext.describe(code: initCode)))"
  }

  /// Hardware facts from `PAPI_get_hardware_info()`, nil when PAPI did not initialise.
  public var hardware: PAPIHardwareInfo? {
    guard initialised, let p = PAPI_get_hardware_info() else { return nil }
    return PAPIHardwareInfo(p.pointee)
  }

  /// The component called `name` (e.g. "perf_event"), if PAPI has one.
  public func component(named name: String) -> PAPIComponent? { components.first { $0.name == name } }

  /// Wall-clock nanoseconds from an arbitrary origin: `PAPI_get_real_nsec`, or `CLOCK_MONOTONIC_RAW` without PAPI.
  @inline(__always)
  public func realNanoseconds() -> UInt64 {
    if initialised { return UInt64(truncatingIfNeeded: PAPI_get_real_nsec()) }
    return clockNanoseconds(CLOCK_MONOTONIC_RAW)
  }

  /// CPU time of the calling thread in nanoseconds: `PAPI_get_virt_nsec`, or `CLOCK_THREAD_CPUTIME_ID` without PAPI.
  /// Time the thread spent descheduled does not count, so it is robust to other processes on a shared core.
  @inline(__always)
  public func threadCPUNanoseconds() -> UInt64 {
    if initialised { return UInt64(truncatingIfNeeded: PAPI_get_virt_nsec()) }
    return clockNanoseconds(CLOCK_THREAD_CPUTIME_ID)
  }

  /// "PAPI_ENOEVNT: Event does not exist" style text for a PAPI return code.
  public static func describe(code: Int32) -> String {
    let name = errorNames[code] ?? "PAPI error"
    guard let s = PAPI_strerror(code) else { return name }
    return "\(name): \(String(cString: s))"
  }

  /// Symbolic names of the PAPI error codes (papi.h), for messages people can look up.
  static let errorNames: [Int32: String] = [
    0: "PAPI_OK", -1: "PAPI_EINVAL", -2: "PAPI_ENOMEM", -3: "PAPI_ESYS", -4: "PAPI_ECMP", -5: "PAPI_ECLOST",
    -6: "PAPI_EBUG", -7: "PAPI_ENOEVNT", -8: "PAPI_ECNFLCT", -9: "PAPI_ENOTRUN", -10: "PAPI_EISRUN",
    -11: "PAPI_ENOEVST", -12: "PAPI_ENOTPRESET", -13: "PAPI_ENOCNTR", -14: "PAPI_EMISC", -15: "PAPI_EPERM",
    -16: "PAPI_ENOINIT", -17: "PAPI_ENOCMP", -18: "PAPI_ENOSUPP", -19: "PAPI_ENOIMPL", -20: "PAPI_EBUF",
    -21: "PAPI_EINVAL_DOM", -22: "PAPI_EATTR", -23: "PAPI_ECOUNT", -24: "PAPI_ECOMBO",
    -25: "PAPI_ECMP_DISABLED", -26: "PAPI_EDELAY_INIT", -27: "PAPI_EMULPASS",
  ]
}

/// One PAPI component (perf_event, sysdetect, ...) and whether it can count.
public struct PAPIComponent: Codable, Sendable, Equatable {
  public let index: Int
  public let name: String
  /// 0 when enabled, else the PAPI code it was disabled with.
  public let disabledCode: Int
  /// PAPI's reason string when disabled ("" when enabled).
  public let disabledReason: String
  /// Counters the component reports (may be -1 when it has not initialised).
  public let counterCount: Int

  public var enabled: Bool { disabledCode == 0 }

  /// "perf_event: enabled, 6 counters" or "perf_event: disabled (-4): libpfm4 no default PMU found".
  public var summary: String {
    enabled
      ? "\(name): enabled, \(counterCount) counters"
      : "\(name): disabled (\(disabledCode)): \(disabledReason)"
  }
}

/// Reads a `clock_gettime` clock in nanoseconds.
@inline(__always)
func clockNanoseconds(_ clock: clockid_t) -> UInt64 {
  var ts = timespec()
  clock_gettime(clock, &ts)
  return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// Converts a fixed-size C char array (imported as a tuple) to a String, stopping at the first NUL.
func cString<T>(tuple: T) -> String {
  withUnsafeBytes(of: tuple) { raw in
    let bytes = raw.bindMemory(to: UInt8.self)
    let end = bytes.firstIndex(of: 0) ?? bytes.count
    return String(decoding: bytes[..<end], as: UTF8.self).trimmingCharacters(in: .whitespaces)
  }
}
