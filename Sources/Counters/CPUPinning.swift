import CSys
import Foundation

/// Which CPU to pin the measuring thread to.
public enum PinRequest: Codable, Sendable, Equatable, CustomStringConvertible {
  /// Do not pin.
  case none
  /// Pin to the allowed CPU that other processes use least (sampled just before).
  case auto
  /// Pin to this CPU number.
  case cpu(Int)

  /// Parses "auto", "none" or a CPU number; nil otherwise.
  public init?(text: String) {
    switch text.lowercased() {
    case "auto": self = .auto
    case "none", "off": self = .none
    default:
      guard let n = Int(text), n >= 0 else { return nil }
      self = .cpu(n)
    }
  }

  public var description: String {
    switch self {
    case .none: return "none"
    case .auto: return "auto"
    case .cpu(let n): return String(n)
    }
  }

  public init(from decoder: Decoder) throws {
    let s = try decoder.singleValueContainer().decode(String.self)
    guard let v = PinRequest(text: s) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
        debugDescription: "pin '\(s)': expected auto, none or a CPU number"))
    }
    self = v
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(description)
  }
}

/// Outcome of a pinning attempt: the CPU pinned to (nil = not pinned) and why.
public struct PinResult: Codable, Sendable, Equatable {
  public var cpu: Int?
  public var note: String
}

/// Pins the calling thread to a CPU (sched_setaffinity via CSys) and reads per-thread scheduling facts.
public enum CPUPinning {
  /// CPUs in the calling thread's affinity mask.
  public static func allowedCPUs() -> [Int] {
    var buf = [Int32](repeating: 0, count: 1024)
    let n = csys_allowed_cpus(&buf, Int32(buf.count))
    return n > 0 ? buf[0..<Int(n)].map(Int.init) : []
  }

  /// The allowed CPU with the fewest runnable tasks of other processes (`runnable`, from `RunQueue`), then the
  /// least busy time in `load` (this process's own use removed on `pinned`); ties go to the highest number,
  /// away from CPU 0's interrupts.
  public static func leastBusyCPU(among cpus: [Int], load: CPULoad?, runnable: [Int: Double] = [:],
                                  excludingSelfOn pinned: Int? = nil) -> Int? {
    var best: (cpu: Int, queue: Double, busy: Double)?
    for c in cpus {
      var busy = load.map { c < $0.perCPUBusy.count ? $0.perCPUBusy[c] : 0 } ?? 0
      if c == pinned, let load { busy = Swift.max(0, busy - load.selfCores) }
      let queue = runnable[c] ?? 0
      if let b = best {
        if queue < b.queue - 0.1 || (abs(queue - b.queue) <= 0.1 && busy <= b.busy + 0.02) {
          best = (c, queue, busy)
        }
      } else {
        best = (c, queue, busy)
      }
    }
    return best?.cpu
  }

  /// Pins the calling thread as requested. `load` (a recent sample) and `runnable` (mean runnable tasks of other
  /// processes per CPU) guide `.auto`.
  public static func pin(_ request: PinRequest, load: CPULoad?, runnable: [Int: Double] = [:]) -> PinResult {
    let allowed = allowedCPUs()
    switch request {
    case .none:
      return PinResult(cpu: nil, note: "not pinned (--pin none)")
    case .cpu(let n):
      guard allowed.isEmpty || allowed.contains(n) else {
        return PinResult(cpu: nil, note: "not pinned: CPU \(n) not in the allowed set \(allowed)")
      }
      return apply(n, why: "requested")
    case .auto:
      guard let c = leastBusyCPU(among: allowed, load: load, runnable: runnable) else {
        return PinResult(cpu: nil, note: "not pinned: affinity mask unreadable")
      }
      var why = "least busy of \(allowed)"
      if let l = load {
        why += " (busy " + l.perCPUBusy.map { String(format: "%.0f%%", $0 * 100) }.joined(separator: "/")
      }
      if !runnable.isEmpty {
        why += (load == nil ? " (" : ", ") + "runnable tasks of others "
          + allowed.map { String(format: "%.1f", runnable[$0] ?? 0) }.joined(separator: "/")
      }
      if load != nil || !runnable.isEmpty { why += ")" }
      return apply(c, why: why)
    }
  }

  /// Restores the thread's affinity to all online CPUs.
  public static func unpin() { _ = csys_unpin() }

  /// The CPU the calling thread is running on now (-1 if unknown).
  public static var currentCPU: Int { Int(csys_current_cpu()) }

  /// Voluntary and involuntary context switches of the calling thread so far (nil if unreadable).
  /// Involuntary switches during a timed run mean something else took the core.
  public static func contextSwitches() -> (voluntary: Int, involuntary: Int)? {
    var v = 0, i = 0
    guard csys_thread_context_switches(&v, &i) == 0 else { return nil }
    return (v, i)
  }

  private static func apply(_ cpu: Int, why: String) -> PinResult {
    let err = csys_pin_to_cpu(Int32(cpu))
    if err == 0 { return PinResult(cpu: cpu, note: "pinned to CPU \(cpu) (\(why))") }
    return PinResult(cpu: nil, note: "not pinned: sched_setaffinity(CPU \(cpu)) failed: \(String(cString: strerror(err)))")
  }
}
