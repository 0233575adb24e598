import Foundation
import Predictor
import SearchSpace

/// Turns measurement CSV rows into architectures of one search space, the same way for `adapt --measurements`
/// and `report`:
/// - NB201: `arch_index` and/or `arch_str`; when both are given they must name the same cell;
/// - OFA: `arch_str` config text; a config without `w=` takes `ofaWidth`, one with another width is refused
///   (the predictor's encoding has no width);
/// - one architecture measured twice with the same latency is one row; with different latencies it is an error
///   naming the architecture and both lines (which one is right is not ours to guess).
public enum MeasurementResolver {
  /// Resolved rows in first-seen order, duplicates merged. `source` names the file in errors; the CSV line of
  /// row n is taken as n + 2 (header on line 1).
  public static func resolve(_ rows: [MeasuredArch], space: SpaceKind, dataset: NB201Dataset = .cifar10,
                             ofaWidth: OFAWidth?, source: String) throws -> [ArchMeasurement] {
    var out: [ArchMeasurement] = []
    var firstLine: [String: (line: Int, at: Int)] = [:]
    for (n, r) in rows.enumerated() {
      let line = n + 2
      func bad(_ reason: String) -> OnboardingError { .badMeasurementsCSV(path: source, line: line, reason: reason) }
      let arch: Arch
      /// Identity for duplicates: the cell; for OFA the active blocks + resolution + width (what the predictor
      /// sees), so configs that differ only in inactive slots are one architecture.
      let identity: String
      let index: Int?
      let macs: Int
      switch space {
      case .nb201:
        var cell: NB201Cell?
        if let i = r.index {
          guard NB201Index.range.contains(i) else { throw bad("arch_index \(i): expected 0...15624 for nb201") }
          cell = try NB201Index.cell(at: i)
        }
        if let a = r.arch {
          let parsed: NB201Cell
          do { parsed = try NB201Cell(archString: a) } catch {
            throw bad("arch_str '\(a.prefix(80))' is not an NB201 arch string: \(error)")
          }
          if let c = cell, c != parsed {
            throw bad("arch_index \(r.index ?? -1) is \(c.archString), not \(a.prefix(120)): expected both columns to name one cell")
          }
          cell = parsed
        }
        guard let c = cell else { throw bad("row has no architecture") }
        arch = .nb201(c)
        identity = c.archString
        index = NB201Index.index(of: c)
        macs = NB201Cost(cell: c, dataset: dataset).macs
      case .ofa:
        guard let a = r.arch else { throw bad("OFA rows need arch_str (the config text)") }
        let config: OFAConfig
        do { config = try OFAConfig(text: a, defaultWidth: ofaWidth) } catch {
          throw bad("arch_str '\(a.prefix(80))' is not an OFA config: \(error)")
        }
        if let ofaWidth, config.width != ofaWidth {
          throw bad("OFA config has width \(config.width.rawValue) but the predictor's references are width "
                    + "\(ofaWidth.rawValue): expected w=\(ofaWidth.rawValue) measurements")
        }
        arch = .ofa(config)
        identity = config.width.rawValue + ":" + OFAEncoding.help(config).map { $0 == 0 ? "0" : "1" }.joined()
        index = r.index
        macs = try OFACost(config: config).macs
      }
      if let seen = firstLine[identity] {
        let kept = out[seen.at].latencyMs
        if kept == r.latencyMs { continue }
        throw bad("\(arch.text.prefix(120)) is measured twice with different latencies (\(kept) ms on line \(seen.line), "
                  + "\(r.latencyMs) ms here): expected one latency per architecture")
      }
      firstLine[identity] = (line, out.count)
      out.append(ArchMeasurement(index: index, arch: arch, latencyMs: r.latencyMs, macs: macs))
    }
    return out
  }
}
