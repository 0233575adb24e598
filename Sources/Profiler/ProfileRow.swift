import Foundation

/// One measured architecture: the CSV row of a profile, plus the raw samples behind it.
///
/// CSV columns (in this order; the first six are the format of HELP's `nb201_latency.csv.gz`):
///
///     source,device,dataset,arch_index,arch_str,latency_ms,p10_ms,p90_ms,iqr_ms,min_ms,n,noisy,
///     cpu_ms,other_cpu,sweeps,preempted,noisy_reasons,counters,samples_ms,
///     raw_latency_ms,canary_ratio,canary_ms,ci_rel,slow_rounds,canary_samples_ms
///
/// - `latency_ms`: the protocol's estimate per forward pass. Canary protocol: the median ratio of the runs to the
///   canary level around them × the canary's session baseline (`canary_ratio × canary_ms`); other protocols:
///   the median (or the chosen statistic) of the timing metric (wall by default), as `raw_latency_ms`.
/// - `raw_latency_ms`: the chosen statistic of the raw samples (what `latency_ms` was before the canary protocol).
/// - `canary_ratio`, `canary_ms`: median ratio to the canary and the baseline it was scaled by (empty without a
///   canary); `ci_rel`: relative half-width of the estimate's 95 % CI; `slow_rounds`: rounds of this arch whose
///   canary level marked a slow episode; `canary_samples_ms`: the canary level of each sample in `samples_ms`.
/// Files written before these six columns existed (19 columns) are read as well (`legacyHeader`); rows appended
/// to such a file keep its 19 columns.
/// - `p10_ms`, `p90_ms`, `iqr_ms`, `min_ms`, `n`: spread of the same samples; `noisy` 1 when the arch did not
///   reach the IQR target or other processes were busy, even after re-measuring.
/// - `cpu_ms`: median CPU time of the measuring thread per pass; `other_cpu`: CPUs used by other processes
///   meanwhile; `sweeps`: separate visits the samples come from (more when re-measured); `preempted`: runs during which the thread was
///   descheduled (set aside; with the canary protocol counted with their thread CPU time, and in `n`); `noisy_reasons`: `spread`, `preempted`, `load` joined by `;` (empty when clean).
/// - `counters`: `NAME=value;...` medians of the counter pass, empty when no counter is available.
/// - `samples_ms`: every timed sample, `;`-separated, in measurement order.
/// Fields holding a comma, quote or newline (OFA config text) are quoted as in RFC 4180.
public struct ProfileRow: Codable, Sendable, Equatable {
  public var source: String = "helpprof"
  public var device: String
  public var dataset: String
  public var archIndex: Int
  public var archString: String
  public var latencyMs: Double
  public var p10Ms: Double
  public var p90Ms: Double
  public var iqrMs: Double
  public var minMs: Double
  public var n: Int
  public var noisy: Bool
  public var cpuMs: Double
  public var otherCPU: Double
  public var sweeps: Int
  public var preempted: Int
  public var noisyReasons: [String]
  public var counters: [CounterValue]
  public var samplesMs: [Double]
  /// The statistic of the raw samples (equal to `latencyMs` without a canary).
  public var rawLatencyMs: Double
  /// Median ratio to the canary and the canary baseline (ms); nil without a canary.
  public var canaryRatio: Double?
  public var canaryMs: Double?
  /// Relative half-width of the 95 % CI of the estimate; nil when unknown (rows of old files).
  public var ciRel: Double?
  public var slowRounds: Int
  /// Canary level of each sample in `samplesMs` (empty without a canary).
  public var canarySamplesMs: [Double]

  /// One counter's median over the counter pass.
  public struct CounterValue: Codable, Sendable, Equatable {
    public var name: String
    public var value: Int64
    public init(name: String, value: Int64) {
      self.name = name
      self.value = value
    }
  }

  public init(source: String = "helpprof", device: String, dataset: String, archIndex: Int, archString: String,
              latencyMs: Double, p10Ms: Double, p90Ms: Double, iqrMs: Double, minMs: Double, n: Int, noisy: Bool,
              cpuMs: Double, otherCPU: Double, sweeps: Int, preempted: Int = 0, noisyReasons: [String] = [],
              counters: [CounterValue], samplesMs: [Double], rawLatencyMs: Double? = nil, canaryRatio: Double? = nil,
              canaryMs: Double? = nil, ciRel: Double? = nil, slowRounds: Int = 0, canarySamplesMs: [Double] = []) {
    self.source = source
    self.device = device
    self.dataset = dataset
    self.archIndex = archIndex
    self.archString = archString
    self.latencyMs = latencyMs
    self.p10Ms = p10Ms
    self.p90Ms = p90Ms
    self.iqrMs = iqrMs
    self.minMs = minMs
    self.n = n
    self.noisy = noisy
    self.cpuMs = cpuMs
    self.otherCPU = otherCPU
    self.sweeps = sweeps
    self.preempted = preempted
    self.noisyReasons = noisyReasons
    self.counters = counters
    self.samplesMs = samplesMs
    self.rawLatencyMs = rawLatencyMs ?? latencyMs
    self.canaryRatio = canaryRatio
    self.canaryMs = canaryMs
    self.ciRel = ciRel
    self.slowRounds = slowRounds
    self.canarySamplesMs = canarySamplesMs
  }

  /// Resume identity (index and arch string).
  public var key: String { ArchSpec.key(index: archIndex, string: archString) }

  /// The header of files written before the canary columns (19 columns).
  public static let legacyHeader = "source,device,dataset,arch_index,arch_str,latency_ms,p10_ms,p90_ms,iqr_ms,min_ms,n,"
    + "noisy,cpu_ms,other_cpu,sweeps,preempted,noisy_reasons,counters,samples_ms"
  public static let legacyColumnCount = 19
  /// The CSV header line (no newline).
  public static let header = legacyHeader + ",raw_latency_ms,canary_ratio,canary_ms,ci_rel,slow_rounds,canary_samples_ms"
  public static let columnCount = 25

  /// The CSV line of this row (no newline).
  public var csvLine: String { csvLine(legacy: false) }

  /// The CSV line; `legacy` writes only the first 19 columns (for appending to an old file).
  public func csvLine(legacy: Bool) -> String {
    var fields = legacyFields
    if !legacy {
      fields += [ProfileRow.ms(rawLatencyMs), canaryRatio.map { String(format: "%.6f", $0) } ?? "",
                 canaryMs.map(ProfileRow.ms) ?? "", ciRel.map { String(format: "%.5f", $0) } ?? "",
                 String(slowRounds), canarySamplesMs.map { String(format: "%.4f", $0) }.joined(separator: ";")]
    }
    return fields.map(CSV.quote).joined(separator: ",")
  }

  private var legacyFields: [String] {
    let fields: [String] = [
      source, device, dataset, String(archIndex), archString, ProfileRow.ms(latencyMs), ProfileRow.ms(p10Ms),
      ProfileRow.ms(p90Ms), ProfileRow.ms(iqrMs), ProfileRow.ms(minMs), String(n), noisy ? "1" : "0",
      ProfileRow.ms(cpuMs), String(format: "%.3f", otherCPU), String(sweeps),
      String(preempted), noisyReasons.joined(separator: ";"),
      counters.map { "\($0.name)=\($0.value)" }.joined(separator: ";"),
      samplesMs.map { String(format: "%.4f", $0) }.joined(separator: ";"),
    ]
    return fields
  }

  /// Parses one CSV line written by `csvLine`; throws naming the column that is wrong.
  public init(csvLine line: String) throws {
    let f = try CSV.split(line)
    guard f.count == ProfileRow.columnCount || f.count == ProfileRow.legacyColumnCount else {
      throw ProfilerError("profile row has \(f.count) fields: expected \(ProfileRow.columnCount) (\(ProfileRow.header)) "
                          + "or \(ProfileRow.legacyColumnCount) (a file written before the canary columns)", kind: .data)
    }
    func num(_ i: Int, _ name: String) throws -> Double {
      guard let v = Double(f[i]), v.isFinite else { throw ProfilerError("\(name) '\(f[i])' is not a number", kind: .data) }
      return v
    }
    func int(_ i: Int, _ name: String) throws -> Int {
      guard let v = Int(f[i]) else { throw ProfilerError("\(name) '\(f[i])' is not an integer", kind: .data) }
      return v
    }
    var counters: [CounterValue] = []
    for item in f[17].split(separator: ";") {
      let kv = item.split(separator: "=")
      guard kv.count == 2, let v = Int64(kv[1]) else {
        throw ProfilerError("counter '\(item)': expected NAME=integer", kind: .data)
      }
      counters.append(CounterValue(name: String(kv[0]), value: v))
    }
    let samples = try f[18].split(separator: ";").map { s -> Double in
      guard let v = Double(s) else { throw ProfilerError("sample '\(s)' is not a number", kind: .data) }
      return v
    }
    guard f[11] == "0" || f[11] == "1" else { throw ProfilerError("noisy '\(f[11])': expected 0 or 1", kind: .data) }
    self.init(source: f[0], device: f[1], dataset: f[2], archIndex: try int(3, "arch_index"), archString: f[4],
              latencyMs: try num(5, "latency_ms"), p10Ms: try num(6, "p10_ms"), p90Ms: try num(7, "p90_ms"),
              iqrMs: try num(8, "iqr_ms"), minMs: try num(9, "min_ms"), n: try int(10, "n"), noisy: f[11] == "1",
              cpuMs: try num(12, "cpu_ms"), otherCPU: try num(13, "other_cpu"), sweeps: try int(14, "sweeps"),
              preempted: try int(15, "preempted"),
              noisyReasons: f[16].split(separator: ";").map(String.init), counters: counters, samplesMs: samples)
    guard f.count == ProfileRow.columnCount else { return }
    func optNum(_ i: Int, _ name: String) throws -> Double? { f[i].isEmpty ? nil : try num(i, name) }
    rawLatencyMs = try num(19, "raw_latency_ms")
    canaryRatio = try optNum(20, "canary_ratio")
    canaryMs = try optNum(21, "canary_ms")
    ciRel = try optNum(22, "ci_rel")
    slowRounds = try int(23, "slow_rounds")
    canarySamplesMs = try f[24].split(separator: ";").map { s -> Double in
      guard let v = Double(s), v.isFinite else { throw ProfilerError("canary sample '\(s)' is not a number", kind: .data) }
      return v
    }
    guard canarySamplesMs.isEmpty || canarySamplesMs.count == samplesMs.count else {
      throw ProfilerError("canary_samples_ms has \(canarySamplesMs.count) values for \(samplesMs.count) samples: "
                          + "expected one per sample", kind: .data)
    }
  }

  /// Milliseconds with 6 decimals (ns resolution).
  static func ms(_ v: Double) -> String { String(format: "%.6f", v) }
}

/// Minimal RFC 4180 CSV quoting for one line.
public enum CSV {
  /// Quotes a field when it holds a comma, quote, CR or LF.
  public static func quote(_ s: String) -> String {
    // Scalars, not Characters: "\r\n" is one Character that equals neither "\r" nor "\n".
    let special: Set<Unicode.Scalar> = [",", "\"", "\n", "\r"]
    guard s.unicodeScalars.contains(where: special.contains) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// Splits one line into fields, honouring quotes; throws on an unterminated quote.
  public static func split(_ line: String) throws -> [String] {
    var fields: [String] = []
    var cur = ""
    var inQuotes = false
    var it = Array(line).makeIterator()
    var pending: Character? = nil
    while let c = pending ?? it.next() {
      pending = nil
      if inQuotes {
        if c == "\"" {
          if let nx = it.next() {
            if nx == "\"" { cur.append("\"") } else { inQuotes = false; pending = nx }
          } else {
            inQuotes = false
          }
        } else {
          cur.append(c)
        }
      } else if c == "," {
        fields.append(cur)
        cur = ""
      } else if c == "\"" && cur.isEmpty {
        inQuotes = true
      } else {
        cur.append(c)
      }
    }
    guard !inQuotes else { throw ProfilerError("CSV line has an unterminated quote: \(line.prefix(80))", kind: .data) }
    fields.append(cur)
    return fields
  }
}
