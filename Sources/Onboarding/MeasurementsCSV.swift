import Foundation
#if canImport(TensorFile)
import TensorFile
#endif
#if canImport(SafeIO)
import SafeIO
#endif

/// A measured architecture read from a CSV: identity and median latency.
public struct MeasuredArch: Codable, Sendable, Equatable {
  /// Index in the space's list (NB201 index; OFA row/sample number), or nil when the CSV has none.
  public var index: Int?
  /// NB201 arch string or OFA config text, or nil when the CSV has none.
  public var arch: String?
  public var latencyMs: Double
  public init(index: Int?, arch: String?, latencyMs: Double) {
    self.index = index
    self.arch = arch
    self.latencyMs = latencyMs
  }
}

/// Reads measurement CSVs: a header line, then rows. Columns (by name, any order, others ignored):
/// `arch_index` (or `index`), `arch_str` (or `arch`, `config`) — at least one of the two — and `latency_ms`
/// (or `median_ms`), a decimal number (`StrictNumber`: no hex floats, inf or nan) in `plausibleMs`.
/// RFC 4180 quoting is understood, so `helpprof profile` output files work as they are.
public enum MeasurementsCSV {
  /// Latencies a measurement may have (ms): 1 ns to 1,000 s. Outside it is a unit mistake or a corrupted file
  /// (`1e-300` would make every log-latency target meaningless).
  public static let plausibleMs: ClosedRange<Double> = 1e-6...1e6

  /// Parses a file.
  public static func read(path: String) throws -> [MeasuredArch] {
    let text: String
    do {
      text = try ReadFile.text(path)
    } catch let e as IOFailure {
      throw OnboardingError.io(path: path, reason: e.reason)
    }
    return try parse(text, source: path)
  }

  /// Parses CSV text; `source` names the file in errors.
  public static func parse(_ text: String, source: String = "measurements") throws -> [MeasuredArch] {
    let records = try splitRecords(text, source: source)
    guard let header = records.first else {
      throw OnboardingError.badMeasurementsCSV(path: source, line: 1, reason: "empty file: expected a header line")
    }
    let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    func column(_ options: [String]) -> Int? { options.lazy.compactMap { names.firstIndex(of: $0) }.first }
    let iIndex = column(["arch_index", "index"])
    let iArch = column(["arch_str", "arch", "config"])
    guard let iLatency = column(["latency_ms", "median_ms"]) else {
      throw OnboardingError.badMeasurementsCSV(path: source, line: header.line,
        reason: "header \(names.joined(separator: ",").prefix(120)) has no latency_ms column")
    }
    guard iIndex != nil || iArch != nil else {
      throw OnboardingError.badMeasurementsCSV(path: source, line: header.line,
        reason: "header has neither arch_index nor arch_str: expected at least one")
    }
    var out: [MeasuredArch] = []
    for r in records.dropFirst() {
      if r.fields.count == 1, r.fields[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
      guard r.fields.count == names.count else {
        throw OnboardingError.badMeasurementsCSV(path: source, line: r.line,
          reason: "\(r.fields.count) fields: expected \(names.count) like the header")
      }
      let latencyText = r.fields[iLatency].trimmingCharacters(in: .whitespaces)
      guard let latency = StrictNumber.double(latencyText), MeasurementsCSV.plausibleMs.contains(latency) else {
        throw OnboardingError.badMeasurementsCSV(path: source, line: r.line,
          reason: "latency_ms '\(latencyText.prefix(40))': expected a decimal number of milliseconds in "
            + "\(MeasurementsCSV.plausibleMs.lowerBound)...\(MeasurementsCSV.plausibleMs.upperBound)")
      }
      var index: Int?
      if let i = iIndex {
        let t = r.fields[i].trimmingCharacters(in: .whitespaces)
        if !t.isEmpty {
          guard let v = StrictNumber.int(t) else {
            throw OnboardingError.badMeasurementsCSV(path: source, line: r.line,
              reason: "arch_index '\(t.prefix(40))': expected an integer")
          }
          index = v
        }
      }
      let archText = iArch.map { r.fields[$0].trimmingCharacters(in: .whitespaces) }
      let arch = (archText?.isEmpty ?? true) ? nil : archText
      guard index != nil || arch != nil else {
        throw OnboardingError.badMeasurementsCSV(path: source, line: r.line, reason: "row has neither arch_index nor arch_str")
      }
      out.append(MeasuredArch(index: index, arch: arch, latencyMs: latency))
    }
    return out
  }

  /// Writes `arch_index,arch_str,latency_ms` CSV text (quoted where needed).
  public static func format(_ rows: [MeasuredArch]) -> String {
    var s = "arch_index,arch_str,latency_ms\n"
    for r in rows {
      s += "\(r.index.map(String.init) ?? ""),\(quote(r.arch ?? "")),\(r.latencyMs)\n"
    }
    return s
  }

  public static func quote(_ field: String) -> String {
    // Scalars, not Characters: "\r\n" is one Character equal to neither "\r" nor "\n" (found by fuzzing).
    guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// Splits RFC 4180 text into records of fields, with the 1-based line where each record starts.
  static func splitRecords(_ text: String, source: String) throws -> [(line: Int, fields: [String])] {
    var records: [(Int, [String])] = []
    var fields: [String] = []
    var field = ""
    var inQuotes = false
    var line = 1, recordLine = 1
    var chars = Array(text.unicodeScalars)[...]
    var sawAny = false
    while let c = chars.popFirst() {
      sawAny = true
      if inQuotes {
        if c == "\"" {
          if chars.first == "\"" { chars.removeFirst(); field.unicodeScalars.append("\"") } else { inQuotes = false }
        } else {
          if c == "\n" { line += 1 }
          field.unicodeScalars.append(c)
        }
        continue
      }
      switch c {
      case "\"":
        guard field.isEmpty else {
          throw OnboardingError.badMeasurementsCSV(path: source, line: line, reason: "quote inside an unquoted field")
        }
        inQuotes = true
      case ",":
        fields.append(field); field = ""
      case "\r":
        continue
      case "\n":
        fields.append(field); field = ""
        records.append((recordLine, fields)); fields = []
        line += 1
        recordLine = line
        sawAny = false
      default:
        field.unicodeScalars.append(c)
      }
    }
    if inQuotes { throw OnboardingError.badMeasurementsCSV(path: source, line: recordLine, reason: "unterminated quoted field") }
    if sawAny || !fields.isEmpty || !field.isEmpty {
      fields.append(field)
      records.append((recordLine, fields))
    }
    return records
  }
}
