import CPAPI
import Foundation

/// A PAPI event set built from requested counter names, with the exact reason for every counter it could not add.
///
/// Each requested event is tried by its PAPI preset name first and then by the `perf::` native names in
/// `fallbacks`; the first that `PAPI_add_named_event` accepts is used. When at least one was added, one probe
/// `PAPI_start`/`PAPI_stop` checks that the set really counts. `PAPI_start` is never called on an empty set.
///
/// ```swift
/// let set = CounterSet(requested: CounterSet.defaultEvents)
/// if let values = set.measure({ network.run() }) { print(zip(set.activeNames, values)) }
/// else { print(set.unavailableSummary) }
/// ```
public final class CounterSet {
  /// The counters helpprof asks for by default: cycles, instructions, L1 data misses, L2 misses.
  public static let defaultEvents = ["PAPI_TOT_CYC", "PAPI_TOT_INS", "PAPI_L1_DCM", "PAPI_L2_TCM"]

  /// Native perf_event names tried when a preset is refused (closest equivalents).
  public static let defaultFallbacks: [String: [String]] = [
    "PAPI_TOT_CYC": ["perf::CYCLES"],
    "PAPI_TOT_INS": ["perf::INSTRUCTIONS"],
    "PAPI_L1_DCM": ["perf::L1-DCACHE-LOAD-MISSES"],
    "PAPI_L2_TCM": ["perf::CACHE-MISSES"],
  ]

  /// What happened to one requested counter.
  public struct EventStatus: Codable, Sendable, Equatable {
    /// The name that was requested (e.g. "PAPI_TOT_CYC").
    public var requested: String
    /// The name actually counted (the preset or a fallback); nil when unavailable.
    public var counted: String?
    /// Every `PAPI_add_named_event` attempt as "NAME = code (PAPI_EXXX: text)".
    public var attempts: [String]
    /// Why the counter is unavailable (nil when counted).
    public var reason: String?
    public var available: Bool { counted != nil }
  }

  /// One status per requested counter, in request order.
  public private(set) var statuses: [EventStatus] = []
  /// Names of the counters that count, in the order `measure` returns their values.
  public var activeNames: [String] { statuses.compactMap { $0.available ? $0.requested : nil } }
  /// Whether no counter is available (then `measure` returns nil without touching PAPI_start).
  public var isEmpty: Bool { activeNames.isEmpty }

  private var eventSet: Int32 = PAPI_NULL

  /// Longest event name passed to PAPI (its own buffers are fixed-size: an 8,192-character name overflowed one).
  public static let maxNameLength = 255

  /// Why `name` cannot be a PAPI event name (nil when it can): 1...255 characters of letters, digits and
  /// `_ : . = + -` (preset names like PAPI_TOT_CYC, native ones like perf::CYCLES or ix86arch::LLC_MISSES:u=1).
  public static func invalidNameReason(_ name: String) -> String? {
    let n = name.utf8.count
    guard (1...maxNameLength).contains(n) else {
      return "counter name of \(n) characters: expected 1...\(maxNameLength)"
    }
    let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_:.=+-".utf8)
    if let bad = name.utf8.first(where: { !allowed.contains($0) }) {
      return "counter name '\(name.prefix(60))' has the character \(bad < 0x80 ? "'\(Character(UnicodeScalar(bad)))'" : "byte \(bad)"): "
        + "expected letters, digits and _ : . = + -"
    }
    return nil
  }

  /// Builds the set; never throws — unavailability is recorded per counter in `statuses`.
  /// Names that `invalidNameReason` rejects are never passed to PAPI.
  public init(requested: [String], fallbacks: [String: [String]] = CounterSet.defaultFallbacks) {
    let papi = PAPIContext.shared
    guard papi.initialised else {
      statuses = requested.map {
        EventStatus(requested: $0, counted: nil, attempts: [], reason: papi.initSummary)
      }
      return
    }
    let created = PAPI_create_eventset(&eventSet)
    guard created == PAPI_OK else {
      let why = "PAPI_create_eventset = \(created) (\(PAPIContext.describe(code: created)))"
      statuses = requested.map { EventStatus(requested: $0, counted: nil, attempts: [], reason: why) }
      eventSet = PAPI_NULL
      return
    }
    let context = CounterSet.environmentReason()
    for name in requested {
      var status = EventStatus(requested: name, counted: nil, attempts: [], reason: nil)
      if let why = CounterSet.invalidNameReason(name) {
        status.reason = why
        statuses.append(status)
        continue
      }
      for candidate in [name] + (fallbacks[name] ?? []) {
        let code = PAPI_add_named_event(eventSet, candidate)
        status.attempts.append("PAPI_add_named_event(\(candidate)) = \(code) (\(PAPIContext.describe(code: code)))")
        if code == PAPI_OK {
          status.counted = candidate
          break
        }
      }
      if status.counted == nil { status.reason = (status.attempts + [context]).joined(separator: "; ") }
      statuses.append(status)
    }
    if !isEmpty { probe() }
  }

  deinit {
    if eventSet != PAPI_NULL {
      PAPI_cleanup_eventset(eventSet)
      PAPI_destroy_eventset(&eventSet)
    }
  }

  /// Runs `body` between `PAPI_start` and `PAPI_stop`; returns one value per `activeNames`, or nil when the set
  /// is empty or PAPI refused to start (the body still runs once so callers keep their rhythm).
  public func measure(_ body: () -> Void) -> [Int64]? {
    guard !isEmpty else {
      body()
      return nil
    }
    var values = [Int64](repeating: 0, count: activeNames.count)
    guard PAPI_start(eventSet) == PAPI_OK else {
      body()
      return nil
    }
    body()
    let stopped = values.withUnsafeMutableBufferPointer { buf -> Int32 in
      buf.withMemoryRebound(to: Int64.self) { PAPI_stop(eventSet, $0.baseAddress) }
    }
    return stopped == PAPI_OK ? values : nil
  }

  /// One line: which counters count, and for the others why not.
  public var summary: String {
    if statuses.isEmpty { return "no counters requested" }
    return statuses.map { s in
      if let c = s.counted { return s.requested == c ? "\(c): available" : "\(s.requested): available as \(c)" }
      return "\(s.requested): unavailable: \(s.reason ?? "unknown")"
    }.joined(separator: " | ")
  }

  /// Probes the set with one start/stop; if PAPI refuses, every counter is marked unavailable with the code.
  private func probe() {
    let start = PAPI_start(eventSet)
    if start == PAPI_OK {
      var scratch = [Int64](repeating: 0, count: activeNames.count)
      let stop = scratch.withUnsafeMutableBufferPointer { buf -> Int32 in
        buf.withMemoryRebound(to: Int64.self) { PAPI_stop(eventSet, $0.baseAddress) }
      }
      if stop == PAPI_OK { return }
      markAllUnavailable("PAPI_stop = \(stop) (\(PAPIContext.describe(code: stop)))")
    } else {
      markAllUnavailable("PAPI_start = \(start) (\(PAPIContext.describe(code: start))) with "
        + activeNames.joined(separator: ","))
    }
  }

  private func markAllUnavailable(_ why: String) {
    for i in statuses.indices where statuses[i].available {
      statuses[i].reason = why
      statuses[i].counted = nil
    }
    PAPI_cleanup_eventset(eventSet)
  }

  /// Why hardware events are missing on this machine: perf_event component state and the kernel's PMUs.
  public static func environmentReason() -> String {
    let papi = PAPIContext.shared
    var parts: [String] = []
    if let pe = papi.component(named: "perf_event") {
      parts.append("perf_event component \(pe.enabled ? "enabled" : "disabled: \(pe.disabledReason)")")
    } else {
      parts.append("no perf_event component")
    }
    let pmus = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/bus/event_source/devices"))?.sorted()
    if let pmus {
      let hasCPU = pmus.contains("cpu") || pmus.contains { $0.hasPrefix("cpu_") }
      parts.append(hasCPU
        ? "kernel PMUs: \(pmus.joined(separator: ","))"
        : "kernel exposes no CPU PMU (event sources: \(pmus.joined(separator: ",")))")
    }
    parts.append("PAPI_num_hwctrs = \(papi.hardwareCounterCount)")
    return parts.joined(separator: "; ")
  }
}
