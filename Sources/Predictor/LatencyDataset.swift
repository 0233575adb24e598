// Predictor: the HELP meta-predictor (GCN/MLP + hardware embedding + Meta-SGD), its data and evaluation.
import Foundation
import SearchSpace

/// Errors of the predictor module; every message names the offending value and what was expected.
public struct PredictorError: Error, CustomStringConvertible {
  public let description: String
  public init(_ message: String) { description = message }
}

/// The public latency tables (profiles/datasets, converted by tools/convert_datasets.py): one space,
/// every architecture of HELP's list × every device, in milliseconds.
public struct LatencyDataset: Sendable {
  /// The search space.
  public let space: SpaceKind
  /// Device names, in column order.
  public let devices: [String]
  /// Number of architectures (NB201 15,625; OFA 5,000).
  public let archCount: Int
  /// Latency in ms, arch-major: `latency[arch * devices.count + device]`.
  public let latency: [Float]
  /// The architectures, by dataset index.
  public let archs: [ArchKey]
  /// HELP's splits: meta-train, meta-valid, meta-test device names.
  public let metaTrain: [String], metaValid: [String], metaTest: [String]
  /// HELP's 10 reference architectures (dataset indices).
  public let helpReferences: [Int]
  /// HELP's training pool and query pool (index ranges).
  public let trainPool: Range<Int>, queryPool: Range<Int>

  /// Loads `space` from `dir` (the folder holding index.json).
  public init(space: SpaceKind, directory dir: String) throws {
    let indexURL = URL(fileURLWithPath: dir).appendingPathComponent("index.json")
    guard let data = try? Data(contentsOf: indexURL) else {
      throw PredictorError("cannot read \(indexURL.path): expected the datasets folder (profiles/datasets)")
    }
    guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
          let s = root[space.rawValue] as? [String: Any],
          let devices = s["devices"] as? [String], let n = s["archs"] as? Int,
          let latFile = s["latency"] as? String, let splits = s["splits"] as? [String: [String]],
          let refs = s["help_reference_archs"] as? [Int],
          let tp = s["help_train_pool"] as? [Int], let qp = s["help_query_pool"] as? [Int], tp.count == 2, qp.count == 2
    else { throw PredictorError("\(indexURL.path): missing keys for space \(space.rawValue)") }
    self.space = space
    self.devices = devices
    archCount = n
    let lat = try Self.readFloats(dir, latFile, count: n * devices.count)
    latency = lat
    metaTrain = splits["meta_train_devices"] ?? []
    metaValid = splits["meta_valid_devices"] ?? []
    metaTest = splits["meta_test_devices"] ?? []
    helpReferences = refs
    trainPool = tp[0]..<tp[1]
    queryPool = qp[0]..<qp[1]
    switch space {
    case .nb201:
      guard let f = s["ops"] as? String else { throw PredictorError("index.json: nb201.ops missing") }
      let ops = try Self.readBytes(dir, f, count: n * 6)
      archs = try (0..<n).map { i in
        guard let cell = NB201Cell(codes: (0..<6).map { Int(ops[i * 6 + $0]) }) else {
          throw PredictorError("\(f): bad op code in row \(i), expected 0...4")
        }
        return .nb201(cell)
      }
    case .ofa:
      guard let f = s["archs_file"] as? String else { throw PredictorError("index.json: ofa.archs_file missing") }
      let b = try Self.readBytes(dir, f, count: n * 46).map(Int.init)
      archs = (0..<n).map { i in
        let r = b[(i * 46)..<(i * 46 + 46)].map { $0 }
        return .ofa(OFAConfig(ks: Array(r[6..<26]), e: Array(r[26..<46]), d: Array(r[1..<6]), resolution: r[0] * 4,
                              width: .w12))
      }
    }
    for d in metaTrain + metaValid + metaTest where !devices.contains(d) {
      throw PredictorError("index.json: split device \(d) is not a column of \(latFile)")
    }
  }

  /// Column of `device`, or a thrown error listing the known devices.
  public func column(_ device: String) throws -> Int {
    guard let c = devices.firstIndex(of: device) else {
      throw PredictorError("unknown device '\(device)': expected one of \(devices.joined(separator: ", "))")
    }
    return c
  }

  /// All latencies (ms) of one device, by arch index.
  public func latencies(device: String) throws -> [Double] {
    let c = try column(device)
    return (0..<archCount).map { Double(latency[$0 * devices.count + c]) }
  }

  /// HELP's trimmed pool: indices of `range` sorted by the device's latency, ranks [⌊0.1n⌋, ⌊0.9n⌋).
  public static func trimmed(_ range: Range<Int>, latencies: [Double]) -> [Int] {
    let sorted = range.sorted { latencies[$0] < latencies[$1] || (latencies[$0] == latencies[$1] && $0 < $1) }
    let n = sorted.count
    return Array(sorted[(n / 10)..<(n * 9 / 10)])
  }

  /// Finds the datasets folder: `explicit` if given, else `profiles/datasets` under the current directory,
  /// else the first `profiles/datasets` found walking up from the executable's folder.
  public static func locate(explicit: String?) throws -> String {
    let fm = FileManager.default
    if let explicit {
      guard fm.fileExists(atPath: explicit + "/index.json") else {
        throw PredictorError("--data-dir \(explicit): no index.json there (expected a profiles/datasets folder)")
      }
      return explicit
    }
    if let env = ProcessInfo.processInfo.environment["HELPPROF_DATA_DIR"], !env.isEmpty,
       !fm.fileExists(atPath: env + "/index.json") {
      throw PredictorError("HELPPROF_DATA_DIR=\(env): no index.json there (expected a profiles/datasets folder)")
    }
    let candidates = BundledResources.datasetFolders
    for c in candidates where fm.fileExists(atPath: c + "/index.json") { return c }
    throw PredictorError("no profiles/datasets folder (index.json) found in \(candidates.first ?? ".") or beside the "
      + "executable: pass --data-dir, set HELPPROF_DATA_DIR, or install with `make install PREFIX=...`")
  }

  static func readFloats(_ dir: String, _ name: String, count: Int) throws -> [Float] {
    let b = try readBytes(dir, name, count: count * 4)
    return b.withUnsafeBytes { raw in (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) } }
  }

  static func readBytes(_ dir: String, _ name: String, count: Int) throws -> [UInt8] {
    let path = dir + "/" + name
    guard let d = FileManager.default.contents(atPath: path) else { throw PredictorError("cannot read \(path)") }
    guard d.count == count else { throw PredictorError("\(path): \(d.count) bytes, expected \(count)") }
    return [UInt8](d)
  }
}
