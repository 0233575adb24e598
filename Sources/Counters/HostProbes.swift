import Foundation

/// Parsers for the Linux files HostInfo reads. Pure functions on text so they can be tested on fixtures.
public enum HostProbes {
  /// Key/value pairs of the first processor block of `/proc/cpuinfo` ("model name" → "AMD EPYC").
  public static func parseCPUInfo(_ text: String) -> [String: String] {
    var out: [String: String] = [:]
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.trimmingCharacters(in: .whitespaces).isEmpty {
        if !out.isEmpty { break }
        continue
      }
      guard let colon = line.firstIndex(of: ":") else { continue }
      let key = line[..<colon].trimmingCharacters(in: .whitespaces)
      let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      if out[key] == nil { out[key] = value }
    }
    return out
  }

  /// Count of "processor" entries in `/proc/cpuinfo`.
  public static func processorCount(_ cpuinfo: String) -> Int {
    cpuinfo.split(separator: "\n").filter { $0.hasPrefix("processor") }.count
  }

  /// (1, 5, 15 minute load averages, runnable, total tasks) from `/proc/loadavg` ("0.16 0.10 0.04 3/110 6011").
  public static func parseLoadAvg(_ text: String) -> LoadAverage? {
    let f = text.split(separator: " ")
    guard f.count >= 4, let a = Double(f[0]), let b = Double(f[1]), let c = Double(f[2]) else { return nil }
    let rt = f[3].split(separator: "/")
    guard rt.count == 2, let r = Int(rt[0]), let t = Int(rt[1]) else { return nil }
    return LoadAverage(one: a, five: b, fifteen: c, runnable: r, tasks: t)
  }

  /// MemTotal from `/proc/meminfo` in bytes.
  public static func parseMemTotal(_ text: String) -> Int? {
    for line in text.split(separator: "\n") where line.hasPrefix("MemTotal:") {
      let f = line.split(separator: " ", omittingEmptySubsequences: true)
      if f.count >= 2, let kb = Int(f[1]) { return kb * 1024 }
    }
    return nil
  }

  /// Sizes like "48K", "2048K", "32M" (sysfs cache `size`) in bytes.
  public static func parseSize(_ s: String) -> Int? {
    let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
    guard let last = t.last else { return nil }
    let mult: Int
    switch last {
    case "K", "k": mult = 1 << 10
    case "M", "m": mult = 1 << 20
    case "G", "g": mult = 1 << 30
    default: return Int(t)
    }
    return Int(t.dropLast()).map { $0 * mult }
  }

  /// Caches of CPU 0 from `/sys/devices/system/cpu/cpu0/cache/index*` (empty when not exposed).
  public static func sysfsCaches(root: String = "/sys/devices/system/cpu/cpu0/cache") -> [CacheLevel] {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
    var out: [CacheLevel] = []
    for e in entries.sorted() where e.hasPrefix("index") {
      let dir = root + "/" + e
      func read(_ name: String) -> String? {
        (try? String(contentsOfFile: dir + "/" + name, encoding: .utf8))?
          .trimmingCharacters(in: .whitespacesAndNewlines)
      }
      guard let lv = read("level").flatMap(Int.init), let type = read("type"),
            let size = read("size").flatMap(parseSize) else { continue }
      let kind: CacheLevel.Kind
      switch type {
      case "Data": kind = .data
      case "Instruction": kind = .instruction
      default: kind = .unified
      }
      out.append(CacheLevel(level: lv, kind: kind, sizeBytes: size,
                            lineBytes: read("coherency_line_size").flatMap(Int.init) ?? 0,
                            associativity: read("ways_of_associativity").flatMap(Int.init) ?? -1, source: "sysfs"))
    }
    return out.sorted { ($0.level, $0.kind.rawValue) < ($1.level, $1.kind.rawValue) }
  }

  /// SIMD-related flags of interest, in a fixed order, that `flags` contains.
  public static func simdFeatures(flags: Set<String>) -> [String] {
    let known = ["sse2", "sse3", "ssse3", "sse4_1", "sse4_2", "avx", "f16c", "fma", "avx2", "avx512f", "avx512dq",
                 "avx512cd", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile",
                 "amx_bf16", "amx_int8", "asimd", "sve", "sve2"]
    return known.filter(flags.contains)
  }

  /// The widest SIMD level the flags allow: "avx512", "avx2+fma", "avx", "sse4.2", "neon", "sse2" or "scalar".
  public static func simdLevel(flags: Set<String>) -> String {
    if flags.contains("avx512f") && flags.contains("avx512bw") && flags.contains("avx512vl") { return "avx512" }
    if flags.contains("avx2") && flags.contains("fma") { return "avx2+fma" }
    if flags.contains("avx") { return "avx" }
    if flags.contains("sse4_2") { return "sse4.2" }
    if flags.contains("asimd") { return "neon" }
    if flags.contains("sse2") { return "sse2" }
    return "scalar"
  }

  /// OpenBLAS core names whose kernels predate AVX2 (slow on a modern CPU that has AVX2/AVX-512).
  public static let preAVX2OpenBLASCores: Set<String> = [
    "Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Sandybridge", "Atom", "Katmai", "Coppermine",
    "Northwood", "Banias", "Opteron", "Opteron_SSE3", "Barcelona", "Bobcat", "Bulldozer", "Piledriver",
    "Steamroller", "Excavator", "Unknown", "generic",
  ]

  /// Frequency-scaling state from `/sys/devices/system/cpu/cpu0/cpufreq`, or "not exposed (...)".
  public static func frequencyScaling(root: String = "/sys/devices/system/cpu/cpu0/cpufreq") -> String {
    func read(_ n: String) -> String? {
      (try? String(contentsOfFile: root + "/" + n, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    guard FileManager.default.fileExists(atPath: root) else { return "not exposed (\(root) missing)" }
    var parts: [String] = []
    if let d = read("scaling_driver") { parts.append("driver \(d)") }
    if let g = read("scaling_governor") { parts.append("governor \(g)") }
    if let c = read("scaling_cur_freq").flatMap(Double.init) { parts.append(String(format: "cur %.0f MHz", c / 1000)) }
    if let lo = read("scaling_min_freq").flatMap(Double.init), let hi = read("scaling_max_freq").flatMap(Double.init) {
      parts.append(String(format: "range %.0f–%.0f MHz", lo / 1000, hi / 1000))
    }
    if let b = try? String(contentsOfFile: "/sys/devices/system/cpu/cpufreq/boost", encoding: .utf8) {
      parts.append("boost \(b.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    return parts.isEmpty ? "not exposed (\(root) unreadable)" : parts.joined(separator: ", ")
  }

  /// PRETTY_NAME from an os-release text.
  public static func parseOSRelease(_ text: String) -> String? {
    for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
      return String(line.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
    return nil
  }
}

/// `/proc/loadavg`: load averages and task counts.
public struct LoadAverage: Codable, Sendable, Equatable {
  public var one: Double
  public var five: Double
  public var fifteen: Double
  public var runnable: Int
  public var tasks: Int
}
