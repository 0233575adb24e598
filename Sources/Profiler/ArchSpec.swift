import Foundation
import SearchSpace

/// A bad profiler input (selection, settings, data file) with one line naming the value and what was expected.
public struct ProfilerError: Error, CustomStringConvertible, Equatable, Sendable {
  public enum Kind: String, Sendable { case usage, data, runtime }
  public let kind: Kind
  public let message: String

  public init(_ message: String, kind: Kind = .usage) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }
}

/// One architecture to measure: an NB201 cell with its official index, or an OFA subnet config.
public enum ArchSpec: Hashable, Sendable {
  /// NB201 cell and its NB201 index.
  case nb201(index: Int, cell: NB201Cell)
  /// OFA config and its sample number (or -1 when it came from a file).
  case ofa(number: Int, config: OFAConfig)

  /// The NB201 cell at `index` (0...15624).
  public static func nb201(index: Int) throws -> ArchSpec {
    .nb201(index: index, cell: try NB201Index.cell(at: index))
  }

  /// An NB201 cell, indexed by its official index.
  public static func nb201(cell: NB201Cell) -> ArchSpec { .nb201(index: NB201Index.index(of: cell), cell: cell) }

  /// The CSV `arch_index`: NB201 index, OFA sample number or -1.
  public var archIndex: Int {
    switch self {
    case .nb201(let i, _): return i
    case .ofa(let n, _): return n
    }
  }

  /// The CSV `arch_str`: NB201 arch string or OFA config text.
  public var archString: String {
    switch self {
    case .nb201(_, let cell): return cell.archString
    case .ofa(_, let config): return config.text
    }
  }

  /// The space this arch belongs to.
  public var space: SpaceKind {
    switch self {
    case .nb201: return .nb201
    case .ofa: return .ofa
    }
  }

  /// Identity used for resuming: index and string together (OFA file entries all have index -1).
  public var key: String { ArchSpec.key(index: archIndex, string: archString) }

  /// The resume key of a CSV row.
  public static func key(index: Int, string: String) -> String { "\(index)|\(string)" }
}

/// Turns `--archs`, `--archs-file` and `--sample` inputs into a list of `ArchSpec`.
public enum ArchSelection {
  /// Parses "0-999", "5,7,10-12" into ascending-as-written indices (duplicates removed, order kept).
  /// Throws on empty items, reversed ranges or values outside `bounds`.
  public static func parseRanges(_ text: String, bounds: ClosedRange<Int>? = nil) throws -> [Int] {
    var out: [Int] = []
    var seen = Set<Int>()
    let items = text.split(separator: ",", omittingEmptySubsequences: false)
    for raw in items {
      let item = raw.trimmingCharacters(in: .whitespaces)
      guard !item.isEmpty else {
        throw ProfilerError("arch list '\(text)' has an empty item: expected e.g. 0-999 or 1,5,10-20")
      }
      let parts = item.split(separator: "-", omittingEmptySubsequences: false)
      let lo: Int, hi: Int
      if parts.count == 1, let v = Int(parts[0]) {
        lo = v
        hi = v
      } else if parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]) {
        guard a <= b else { throw ProfilerError("range '\(item)' is reversed: expected low-high with low <= high") }
        lo = a
        hi = b
      } else {
        throw ProfilerError("arch list item '\(item)': expected a number or a range like 10-20")
      }
      if let bounds, !(bounds.contains(lo) && bounds.contains(hi)) {
        throw ProfilerError("arch list item '\(item)' out of range: expected \(bounds.lowerBound)...\(bounds.upperBound)")
      }
      for v in lo...hi where seen.insert(v).inserted { out.append(v) }
    }
    return out
  }

  /// NB201 specs for indices.
  public static func nb201(indices: [Int]) throws -> [ArchSpec] {
    try indices.map { try ArchSpec.nb201(index: $0) }
  }

  /// `count` distinct NB201 indices drawn with SplitMix64(seed) (a partial Fisher–Yates shuffle).
  public static func nb201Sample(count: Int, seed: UInt64) throws -> [ArchSpec] {
    guard (1...NB201Index.count).contains(count) else {
      throw ProfilerError("--sample \(count): expected 1...\(NB201Index.count) NB201 archs")
    }
    var rng = SplitMix64(seed: seed)
    return try nb201(indices: rng.sample(Array(NB201Index.range), count: count))
  }

  /// OFA sample numbers `numbers` of the seeded sampler (`OFAConfig.sample(count:seed:width:)`).
  public static func ofaSamples(numbers: [Int], seed: UInt64, width: OFAWidth) throws -> [ArchSpec] {
    guard let top = numbers.max() else { return [] }
    guard top < 1_000_000, numbers.allSatisfy({ $0 >= 0 }) else {
      throw ProfilerError("OFA sample numbers must be in 0..<1000000, got \(top)")
    }
    let all = OFAConfig.sample(count: top + 1, seed: seed, width: width)
    return numbers.map { .ofa(number: $0, config: all[$0]) }
  }

  /// Parses an archs file: one arch per line; blank lines and `#` comments skipped.
  /// NB201: an index or an arch string. OFA: config text (`r=... d=... ks=... e=...`, index -1) or an
  /// `ofa_archs.csv` row `index,resolution,d,ks,e` (index kept, width `csvWidth`); a CSV header line is skipped.
  public static func parseFile(_ text: String, space: SpaceKind, csvWidth: OFAWidth = .w12) throws -> [ArchSpec] {
    var out: [ArchSpec] = []
    for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
      if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("arch_index") { continue }
      do {
        switch space {
        case .nb201:
          if let i = Int(line) {
            out.append(try .nb201(index: i))
          } else {
            out.append(.nb201(cell: try NB201Cell(archString: line)))
          }
        case .ofa:
          if line.contains("=") {
            out.append(.ofa(number: -1, config: try OFAConfig(text: line)))
          } else {
            let row = try OFAConfig.parseCSVRow(line, width: csvWidth)
            out.append(.ofa(number: row.archIndex, config: row.config))
          }
        }
      } catch let e as SearchSpaceError {
        throw ProfilerError("archs file line \(n + 1): \(e.message)")
      }
    }
    guard !out.isEmpty else { throw ProfilerError("archs file has no architectures: expected one per line") }
    return out
  }
}
