import CPAPI

/// The machine as `PAPI_get_hardware_info()` describes it: CPU identity, topology, clock and caches.
public struct PAPIHardwareInfo: Codable, Sendable, Equatable {
  public var vendor: String
  public var model: String
  public var family: Int
  public var modelNumber: Int
  public var stepping: Int
  /// Logical CPUs PAPI counts (`totalcpus`).
  public var totalCPUs: Int
  public var cores: Int
  public var threadsPerCore: Int
  public var sockets: Int
  public var minMHz: Int
  public var maxMHz: Int
  public var virtualized: Bool
  /// Hypervisor vendor ("KVMKVMKVM") when virtualized, else "".
  public var virtualVendor: String
  /// Caches, data and unified first by level; TLBs are skipped.
  public var caches: [CacheLevel]

  public init(vendor: String, model: String, family: Int, modelNumber: Int, stepping: Int, totalCPUs: Int,
              cores: Int, threadsPerCore: Int, sockets: Int, minMHz: Int, maxMHz: Int, virtualized: Bool,
              virtualVendor: String, caches: [CacheLevel]) {
    self.vendor = vendor
    self.model = model
    self.family = family
    self.modelNumber = modelNumber
    self.stepping = stepping
    self.totalCPUs = totalCPUs
    self.cores = cores
    self.threadsPerCore = threadsPerCore
    self.sockets = sockets
    self.minMHz = minMHz
    self.maxMHz = maxMHz
    self.virtualized = virtualized
    self.virtualVendor = virtualVendor
    self.caches = caches
  }

  init(_ h: PAPI_hw_info_t) {
    var caches: [CacheLevel] = []
    let levels = Int(h.mem_hierarchy.levels)
    withUnsafeBytes(of: h.mem_hierarchy.level) { raw in
      let lv = raw.bindMemory(to: PAPI_mh_level_t.self)
      for i in 0..<min(levels, lv.count) {
        withUnsafeBytes(of: lv[i].cache) { craw in
          for c in craw.bindMemory(to: PAPI_mh_cache_info_t.self) {
            let kind = CacheLevel.kind(papiType: Int(c.type))
            guard let kind, c.size > 0 else { continue }
            caches.append(CacheLevel(level: i + 1, kind: kind, sizeBytes: Int(c.size),
                                     lineBytes: Int(c.line_size), associativity: Int(c.associativity)))
          }
        }
      }
    }
    self.init(
      vendor: cString(tuple: h.vendor_string), model: cString(tuple: h.model_string),
      family: Int(h.cpuid_family), modelNumber: Int(h.cpuid_model), stepping: Int(h.cpuid_stepping),
      totalCPUs: Int(h.totalcpus), cores: Int(h.cores), threadsPerCore: Int(h.threads), sockets: Int(h.sockets),
      minMHz: Int(h.cpu_min_mhz), maxMHz: Int(h.cpu_max_mhz), virtualized: h.virtualized != 0,
      virtualVendor: cString(tuple: h.virtual_vendor_string), caches: caches)
  }
}

/// One cache: level, kind, size, line and associativity (-1 = fully associative or unknown).
public struct CacheLevel: Codable, Sendable, Equatable {
  public enum Kind: String, Codable, Sendable { case data, instruction, unified }
  public var level: Int
  public var kind: Kind
  public var sizeBytes: Int
  public var lineBytes: Int
  public var associativity: Int
  /// Where the fact came from: "papi" or "sysfs".
  public var source: String

  public init(level: Int, kind: Kind, sizeBytes: Int, lineBytes: Int, associativity: Int, source: String = "papi") {
    self.level = level
    self.kind = kind
    self.sizeBytes = sizeBytes
    self.lineBytes = lineBytes
    self.associativity = associativity
    self.source = source
  }

  /// "L1d 32 KiB" style label.
  public var label: String {
    let k: String
    switch kind {
    case .data: k = "d"
    case .instruction: k = "i"
    case .unified: k = ""
    }
    return "L\(level)\(k) \(CacheLevel.formatBytes(sizeBytes))"
  }

  /// PAPI's cache type bits (PAPI_MH_CACHE_TYPE) → kind; nil for empty entries and TLBs.
  static func kind(papiType t: Int) -> Kind? {
    if t & 0x1000 != 0 { return nil }  // PAPI_MH_TYPE_TLB
    switch t & 0xf {
    case 1: return .instruction
    case 2: return .data
    case 3: return .unified
    default: return nil
    }
  }

  /// 32768 → "32 KiB", 2097152 → "2 MiB", 1000 → "1000 B".
  public static func formatBytes(_ n: Int) -> String {
    if n >= 1 << 20 && n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
    if n >= 1 << 10 && n % (1 << 10) == 0 { return "\(n >> 10) KiB" }
    return "\(n) B"
  }
}
