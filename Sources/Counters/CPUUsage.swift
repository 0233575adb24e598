import Foundation

/// CPU time counters of the whole machine (`/proc/stat`) and of this process, at one instant.
///
/// Two snapshots give `CPULoad`: how busy each CPU was and how much of that came from *other* processes, the
/// main external source of timing noise. Jiffies are 1/`USER_HZ` s (usually 10 ms), so intervals should be
/// at least ~100 ms to mean much.
public struct CPUSnapshot: Sendable, Equatable {
  /// Busy and total jiffies per CPU, indexed by CPU number.
  public var perCPU: [Int: CPUJiffies]
  /// Busy and total jiffies summed over all CPUs (the `cpu` line).
  public var all: CPUJiffies
  /// CPU time this process used so far (all threads, user + system), in nanoseconds.
  public var selfNanoseconds: UInt64
  /// Monotonic wall clock at the snapshot, in nanoseconds.
  public var wallNanoseconds: UInt64

  public init(perCPU: [Int: CPUJiffies], all: CPUJiffies, selfNanoseconds: UInt64, wallNanoseconds: UInt64) {
    self.perCPU = perCPU
    self.all = all
    self.selfNanoseconds = selfNanoseconds
    self.wallNanoseconds = wallNanoseconds
  }

  /// Reads `/proc/stat` and this process's rusage now; nil when `/proc/stat` cannot be read or parsed.
  public static func now() -> CPUSnapshot? {
    guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
          let parsed = parse(procStat: text) else { return nil }
    var ru = rusage()
    getrusage(RUSAGE_SELF.rawValue, &ru)
    let selfNs = (UInt64(ru.ru_utime.tv_sec) + UInt64(ru.ru_stime.tv_sec)) * 1_000_000_000
      + (UInt64(ru.ru_utime.tv_usec) + UInt64(ru.ru_stime.tv_usec)) * 1_000
    return CPUSnapshot(perCPU: parsed.perCPU, all: parsed.all, selfNanoseconds: selfNs,
                       wallNanoseconds: clockNanoseconds(CLOCK_MONOTONIC))
  }

  /// Parses the `cpu` and `cpuN` lines of `/proc/stat` text; nil when the `cpu` line is missing or malformed.
  public static func parse(procStat text: String) -> (all: CPUJiffies, perCPU: [Int: CPUJiffies])? {
    var all: CPUJiffies?
    var per: [Int: CPUJiffies] = [:]
    for line in text.split(separator: "\n") where line.hasPrefix("cpu") {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      guard let name = fields.first, fields.count >= 5 else { continue }
      let nums = fields.dropFirst().compactMap { UInt64($0) }
      guard nums.count == fields.count - 1, let j = CPUJiffies(fields: nums) else { continue }
      if name == "cpu" {
        all = j
      } else if let n = Int(name.dropFirst(3)) {
        per[n] = j
      }
    }
    guard let all else { return nil }
    return (all, per)
  }
}

/// Jiffy counters of one CPU line: busy (user+nice+system+irq+softirq+steal), idle (idle+iowait), steal.
public struct CPUJiffies: Sendable, Equatable {
  public var busy: UInt64
  public var idle: UInt64
  /// Time the hypervisor ran something else while this vCPU wanted to run.
  public var steal: UInt64
  public var total: UInt64 { busy + idle }

  public init(busy: UInt64, idle: UInt64, steal: UInt64) {
    self.busy = busy
    self.idle = idle
    self.steal = steal
  }

  /// From the numeric fields of a `/proc/stat` cpu line: user nice system idle iowait irq softirq steal ...
  /// (guest time is already inside user). Nil with fewer than 4 fields.
  init?(fields f: [UInt64]) {
    guard f.count >= 4 else { return nil }
    func at(_ i: Int) -> UInt64 { i < f.count ? f[i] : 0 }
    self.init(busy: at(0) + at(1) + at(2) + at(5) + at(6) + at(7), idle: at(3) + at(4), steal: at(7))
  }
}

/// How busy the machine was between two snapshots, and how much of it was other processes.
public struct CPULoad: Codable, Sendable, Equatable {
  /// Length of the interval in seconds.
  public var seconds: Double
  /// Busy fraction of each CPU (0…1), by CPU number.
  public var perCPUBusy: [Double]
  /// Cores' worth of CPU used by this process (0…CPUs).
  public var selfCores: Double
  /// Cores' worth of CPU used by everything else (busy minus this process), clamped at 0.
  public var otherCores: Double
  /// Fraction of CPU time stolen by the hypervisor, over all CPUs.
  public var stealFraction: Double

  public init(seconds: Double, perCPUBusy: [Double], selfCores: Double, otherCores: Double, stealFraction: Double) {
    self.seconds = seconds
    self.perCPUBusy = perCPUBusy
    self.selfCores = selfCores
    self.otherCores = otherCores
    self.stealFraction = stealFraction
  }

  /// The load between `a` and `b` (b later); `ticksPerSecond` is USER_HZ.
  public init(from a: CPUSnapshot, to b: CPUSnapshot, ticksPerSecond: Double = CPULoad.userHz) {
    let wall = Double(b.wallNanoseconds &- a.wallNanoseconds) / 1e9
    seconds = wall
    let cpus = b.perCPU.keys.sorted()
    perCPUBusy = cpus.map { n in
      guard let x = a.perCPU[n], let y = b.perCPU[n], y.total > x.total else { return 0 }
      return Double(y.busy &- x.busy) / Double(y.total &- x.total)
    }
    let dTotal = Double(b.all.total &- a.all.total)
    let dBusy = Double(b.all.busy &- a.all.busy)
    let busyCores = wall > 0 ? dBusy / ticksPerSecond / wall : 0
    selfCores = wall > 0 ? Double(b.selfNanoseconds &- a.selfNanoseconds) / 1e9 / wall : 0
    otherCores = Swift.max(0, busyCores - selfCores)
    stealFraction = dTotal > 0 ? Double(b.all.steal &- a.all.steal) / dTotal : 0
  }

  /// USER_HZ, the unit of `/proc/stat` (100 on Linux).
  public static let userHz: Double = {
    let t = sysconf(Int32(_SC_CLK_TCK))
    return t > 0 ? Double(t) : 100
  }()

  /// Samples the load over `seconds` of sleeping (this process is idle meanwhile). Nil without `/proc/stat`.
  public static func sample(seconds: Double) -> CPULoad? {
    guard let a = CPUSnapshot.now() else { return nil }
    usleep(useconds_t(Swift.max(0, seconds) * 1e6))
    guard let b = CPUSnapshot.now() else { return nil }
    return CPULoad(from: a, to: b)
  }
}
