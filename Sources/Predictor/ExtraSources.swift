import Foundation
import SearchSpace

/// Extra meta-training source devices measured with our own runtime (issue #7): profiler CSVs whose rows cover
/// only some architectures. Each distinct `device` value of a CSV becomes one more column of a `LatencyDataset`,
/// with NaN where an architecture was not measured; `MetaTrainer` draws support and query from measured archs only.
public enum ExtraSources {
  /// Reads every device of the profiler CSV at `path` (see `LatencyTable`). Every one of `references` must be
  /// measured on every device, else a thrown error names the missing ones.
  public static func read(csv path: String, data: LatencyDataset, references: [Int]) throws -> [TargetDevice] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw PredictorError("cannot read extra source \(path): expected a profiler CSV")
    }
    return try parse(text: text, origin: path, data: data, references: references)
  }

  /// Every device of every CSV in `list` (comma-separated paths), with the file each came from.
  public static func read(list: String, data: LatencyDataset, references: [Int]) throws -> [(device: TargetDevice, file: String)] {
    let paths = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard !paths.isEmpty else { throw PredictorError("extra sources '\(list)': expected comma-separated profiler CSV files") }
    return try paths.flatMap { p in try read(csv: p, data: data, references: references).map { ($0, p) } }
  }

  /// `read` on CSV text already in memory (`origin` names it in errors).
  public static func parse(text: String, origin: String, data: LatencyDataset, references: [Int]) throws -> [TargetDevice] {
    let devices = try LatencyTable.parse(text: text, origin: origin, data: data)
    for t in devices {
      let missing = references.filter { !(0..<data.archCount).contains($0) || t.latency[$0] == nil }
      guard missing.isEmpty else {
        throw PredictorError("\(origin): device '\(t.name)' lacks reference arch(s) \(missing.map(String.init).joined(separator: ",")): every reference architecture must be measured on an extra source device")
      }
    }
    return devices
  }
}

extension LatencyDataset {
  /// This dataset with `extra` appended as device columns (NaN = not measured). Splits are unchanged, so the
  /// extra devices are neither meta-valid nor meta-test devices. Names must not clash with existing devices.
  public func adding(_ extra: [TargetDevice]) throws -> LatencyDataset {
    var names = devices
    for t in extra {
      guard t.latency.count == archCount else {
        throw PredictorError("extra device \(t.name): \(t.latency.count) latencies, expected \(archCount)")
      }
      guard !names.contains(t.name) else {
        throw PredictorError("extra device '\(t.name)' is already a device of the dataset: expected a new name")
      }
      names.append(t.name)
    }
    let old = devices.count, n = names.count
    var lat = [Float](repeating: .nan, count: archCount * n)
    for a in 0..<archCount {
      for d in 0..<old { lat[a * n + d] = latency[a * old + d] }
      for (j, t) in extra.enumerated() { if let v = t.latency[a] { lat[a * n + old + j] = Float(v) } }
    }
    return LatencyDataset(space: space, devices: names, archCount: archCount, latency: lat, archs: archs,
                          metaTrain: metaTrain, metaValid: metaValid, metaTest: metaTest, helpReferences: helpReferences,
                          trainPool: trainPool, queryPool: queryPool)
  }

  /// Memberwise initialiser (used by `adding`).
  init(space: SpaceKind, devices: [String], archCount: Int, latency: [Float], archs: [ArchKey], metaTrain: [String],
       metaValid: [String], metaTest: [String], helpReferences: [Int], trainPool: Range<Int>, queryPool: Range<Int>) {
    self.space = space
    self.devices = devices
    self.archCount = archCount
    self.latency = latency
    self.archs = archs
    self.metaTrain = metaTrain
    self.metaValid = metaValid
    self.metaTest = metaTest
    self.helpReferences = helpReferences
    self.trainPool = trainPool
    self.queryPool = queryPool
  }
}
