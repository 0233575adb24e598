import Foundation

extension HostInfo {
  /// Human-readable multi-line report (what `helpprof host` prints without --json).
  public var textReport: String {
    var lines: [String] = []
    func row(_ k: String, _ v: String) { lines.append(k.padding(toLength: 18, withPad: " ", startingAt: 0) + v) }
    row("host", "\(hostname) — \(os), Linux \(kernel)")
    var id = "\(cpu.vendor) \(cpu.model)"
    if let f = cpu.family, let m = cpu.modelNumber, let s = cpu.stepping { id += " (family \(f) model \(m) stepping \(s))" }
    row("cpu", id)
    row("topology", "\(cpu.logicalCPUs) logical CPUs, \(cpu.cores) cores, \(cpu.threadsPerCore) thread(s)/core, "
      + "\(cpu.sockets) socket(s)")
    var clock = cpu.mhz.map { String(format: "%.0f MHz (cpuinfo)", $0) } ?? "unknown"
    if let p = cpu.papiMaxMHz { clock += ", PAPI max \(p) MHz" }
    row("clock", clock)
    row("frequency scaling", frequencyScaling)
    row("caches", caches.isEmpty ? "unknown" : caches.map(\.label).joined(separator: ", ")
      + " (\(caches.first?.source ?? ""))")
    if let m = memoryBytes { row("memory", String(format: "%.1f GiB", Double(m) / 1_073_741_824)) }
    row("simd", "\(simdLevel) [\(simdFeatures.joined(separator: " "))]")
    row("virtualization", virtualization)
    row("openblas", "core \(openBLAS.coreName), \(openBLAS.threads) thread(s), \(openBLAS.config)")
    row("papi", "\(papi.initSummary); \(papi.hardwareCounters) hardware counters")
    for c in papi.components { row("", c.summary) }
    row("counters", papi.countersSummary)
    for s in papi.counters where !s.available { row("", "\(s.requested): \(s.attempts.joined(separator: "; "))") }
    row("pinning", pinning)
    if let la = load.loadAverage {
      row("load average", String(format: "%.2f %.2f %.2f, %d/%d tasks runnable", la.one, la.five, la.fifteen,
                                 la.runnable, la.tasks))
    }
    if let s = load.sample {
      row("cpu use", String(format: "other processes %.2f CPUs over %.2f s; per CPU busy ", s.otherCores, s.seconds)
        + s.perCPUBusy.map { String(format: "%.0f%%", $0 * 100) }.joined(separator: " ")
        + String(format: "; steal %.1f%%", s.stealFraction * 100))
    }
    if let q = load.runnablePerCPU {
      row("run queue", "runnable tasks of other processes per CPU: " + q.map { String(format: "%.1f", $0) }
        .joined(separator: " "))
    }
    if warnings.isEmpty {
      lines.append("no warnings")
    } else {
      lines.append("warnings:")
      lines += warnings.map { "  - " + $0 }
    }
    return lines.joined(separator: "\n")
  }
}
