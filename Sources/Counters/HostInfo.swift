import Foundation

/// Everything about this machine that matters for trusting a latency measurement, collected in one go.
///
/// `HostInfo.collect()` reads /proc, /sys, PAPI and OpenBLAS, samples other processes' CPU use for a short
/// moment, and derives `warnings` (busy machine, no pinning, slow OpenBLAS core, no counters, ...).
/// It is stored with every profile (the CSV sidecar) and printed by `helpprof host`.
public struct HostInfo: Codable, Sendable {
  /// CPU identity and topology.
  public struct CPU: Codable, Sendable {
    public var vendor: String
    public var model: String
    public var family: Int?
    public var modelNumber: Int?
    public var stepping: Int?
    public var logicalCPUs: Int
    public var cores: Int
    public var threadsPerCore: Int
    public var sockets: Int
    /// "cpu MHz" of /proc/cpuinfo (current, may be nominal in a VM).
    public var mhz: Double?
    /// PAPI's max MHz.
    public var papiMaxMHz: Int?
  }

  /// OpenBLAS build facts.
  public struct OpenBLAS: Codable, Sendable {
    public var coreName: String
    public var threads: Int
    public var config: String
  }

  /// PAPI facts and counter availability.
  public struct PAPI: Codable, Sendable {
    public var version: String
    public var initialised: Bool
    public var initSummary: String
    public var components: [PAPIComponent]
    public var hardwareCounters: Int
    public var counters: [CounterSet.EventStatus]
    /// "PAPI_TOT_CYC, PAPI_TOT_INS available" or the reason none are.
    public var countersSummary: String
    public var hardware: PAPIHardwareInfo?
  }

  /// Load from other processes: load averages and a short CPU sample.
  public struct Load: Codable, Sendable {
    public var loadAverage: LoadAverage?
    public var sample: CPULoad?
    /// Mean runnable tasks of other processes per CPU (index = CPU number) during the sample.
    public var runnablePerCPU: [Double]?
  }

  public var hostname: String
  public var kernel: String
  public var os: String
  public var cpu: CPU
  public var caches: [CacheLevel]
  public var memoryBytes: Int?
  public var simdFeatures: [String]
  public var simdLevel: String
  public var virtualization: String
  public var frequencyScaling: String
  public var openBLAS: OpenBLAS
  public var papi: PAPI
  public var allowedCPUs: [Int]
  public var pinning: String
  public var load: Load
  public var warnings: [String]
  /// ISO-8601 UTC time of collection.
  public var collectedAt: String

  /// Collects host facts. `sampleSeconds` of sleeping measures other processes' CPU use (0 skips the sample);
  /// `counters` are the PAPI events whose availability is checked.
  public static func collect(sampleSeconds: Double = 0.25,
                             counters: [String] = CounterSet.defaultEvents) -> HostInfo {
    let cpuinfoText = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let ci = HostProbes.parseCPUInfo(cpuinfoText)
    let flags = Set((ci["flags"] ?? ci["Features"] ?? "").split(separator: " ").map(String.init))
    let papiCtx = PAPIContext.shared
    let hw = papiCtx.hardware
    let logical = max(1, HostProbes.processorCount(cpuinfoText), hw?.totalCPUs ?? 0)

    let cpu = CPU(
      vendor: ci["vendor_id"] ?? hw?.vendor ?? "unknown",
      model: ci["model name"] ?? hw?.model ?? "unknown",
      family: ci["cpu family"].flatMap { Int($0) } ?? hw?.family,
      modelNumber: ci["model"].flatMap { Int($0) } ?? hw?.modelNumber,
      stepping: ci["stepping"].flatMap { Int($0) } ?? hw?.stepping,
      logicalCPUs: logical, cores: hw?.cores ?? logical, threadsPerCore: hw?.threadsPerCore ?? 1,
      sockets: hw?.sockets ?? 1, mhz: ci["cpu MHz"].flatMap { Double($0) }, papiMaxMHz: hw?.maxMHz)

    var caches = HostProbes.sysfsCaches()
    if caches.isEmpty { caches = hw?.caches ?? [] }

    let set = CounterSet(requested: counters)
    let countersSummary: String
    if set.isEmpty {
      countersSummary = counters.isEmpty ? "no counters requested"
        : "no counters available: " + (set.statuses.first?.reason ?? CounterSet.environmentReason())
    } else {
      countersSummary = "available: " + set.activeNames.joined(separator: ", ")
        + (set.statuses.count > set.activeNames.count ? " (others unavailable)" : "")
    }
    let papi = PAPI(version: papiCtx.versionString, initialised: papiCtx.initialised,
                    initSummary: papiCtx.initSummary, components: papiCtx.components,
                    hardwareCounters: papiCtx.hardwareCounterCount, counters: set.statuses,
                    countersSummary: countersSummary, hardware: hw)

    let blas = OpenBLASFacts.current

    var virt = "none detected"
    if flags.contains("hypervisor") || hw?.virtualized == true {
      let v = hw?.virtualVendor ?? ""
      virt = "virtual machine (hypervisor flag" + (v.isEmpty ? "" : ", vendor \(v)") + ")"
    }

    let allowed = CPUPinning.allowedCPUs()
    let pinning: String
    if allowed.isEmpty {
      pinning = "not possible: affinity mask unreadable"
    } else {
      let probe = CPUPinning.pin(.cpu(allowed[allowed.count - 1]), load: nil)
      CPUPinning.unpin()
      pinning = probe.cpu != nil ? "possible (sched_setaffinity works on \(allowed))" : probe.note
    }

    let loadText = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)
    var sample: CPULoad?
    var runnable: [Double]?
    if sampleSeconds > 0, let a = CPUSnapshot.now() {
      let looks = max(2, Int(sampleSeconds / 0.05))
      let q = RunQueue.average(samples: looks, interval: sampleSeconds / Double(looks))
      sample = CPUSnapshot.now().map { CPULoad(from: a, to: $0) }
      runnable = (0..<logical).map { q[$0] ?? 0 }
    }
    let load = Load(loadAverage: loadText.flatMap(HostProbes.parseLoadAvg), sample: sample, runnablePerCPU: runnable)

    var uts = utsname()
    uname(&uts)
    let osText = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)).flatMap(HostProbes.parseOSRelease)
    var info = HostInfo(
      hostname: ProcessInfo.processInfo.hostName, kernel: cString(tuple: uts.release), os: osText ?? "unknown",
      cpu: cpu, caches: caches,
      memoryBytes: (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)).flatMap(HostProbes.parseMemTotal),
      simdFeatures: HostProbes.simdFeatures(flags: flags), simdLevel: HostProbes.simdLevel(flags: flags),
      virtualization: virt, frequencyScaling: HostProbes.frequencyScaling(), openBLAS: blas, papi: papi,
      allowedCPUs: allowed, pinning: pinning, load: load, warnings: [],
      collectedAt: ISO8601DateFormatter().string(from: Date()))
    info.warnings = info.deriveWarnings()
    return info
  }

  /// Warnings that matter for timing, most important first.
  public func deriveWarnings() -> [String] {
    var w: [String] = []
    if let s = load.sample {
      if s.otherCores >= 0.15 {
        w.append(String(format: "busy machine: other processes used %.2f of %d CPUs during a %.2f s sample; "
          + "timings will be noisy (profile re-measures noisy archs and flags them)", s.otherCores,
          cpu.logicalCPUs, s.seconds))
      }
      if s.stealFraction >= 0.02 {
        w.append(String(format: "hypervisor steal time %.1f%%: the host is oversubscribed", s.stealFraction * 100))
      }
    }
    if let la = load.loadAverage, la.one > 0.5 * Double(cpu.logicalCPUs) {
      w.append(String(format: "load average %.2f on %d CPUs: recent heavy use by other processes",
                      la.one, cpu.logicalCPUs))
    }
    if !pinning.hasPrefix("possible") { w.append("no pinning possible: \(pinning)") }
    if HostProbes.preAVX2OpenBLASCores.contains(openBLAS.coreName)
        && (simdLevel == "avx512" || simdLevel == "avx2+fma") {
      w.append("OpenBLAS uses its slow '\(openBLAS.coreName)' kernels although the CPU has \(simdLevel); "
        + "set OPENBLAS_CORETYPE=\(simdLevel == "avx512" ? "SkylakeX" : "Haswell") before starting")
    }
    if papi.counters.allSatisfy({ !$0.available }) && !papi.counters.isEmpty {
      w.append("no hardware counters: measurements use timers only (\(papi.countersSummary))")
    }
    if cpu.logicalCPUs <= 2 {
      w.append("only \(cpu.logicalCPUs) CPUs: any other busy process shares a core with the measurement")
    }
    if virtualization != "none detected" {
      w.append("\(virtualization): host-level noise possible; drift between runs can exceed the spread within one")
    }
    if frequencyScaling.hasPrefix("not exposed") {
      w.append("frequency scaling \(frequencyScaling): governor/turbo state cannot be checked")
    } else if !frequencyScaling.contains("governor performance") && frequencyScaling.contains("governor") {
      w.append("CPU frequency governor is not 'performance' (\(frequencyScaling)): clocks may vary with load")
    }
    return w
  }
}
