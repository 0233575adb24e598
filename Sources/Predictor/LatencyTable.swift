import Foundation
import SearchSpace

/// Latencies from a CSV in the shared format (`../shared/data`, `helpprof profile`): columns device, arch_index,
/// arch_str, latency_ms (others ignored), put into the dataset's architecture order. NB201 rows are matched by
/// arch string, OFA rows by config text (else by `arch_index`); repeated rows of one arch are averaged.
public enum LatencyTable {
  /// `device`'s rows of the CSV at `path`.
  public static func read(csv path: String, device: String, data: LatencyDataset) throws -> TargetDevice {
    let all = try readAll(csv: path, data: data)
    guard let t = all.first(where: { $0.name == device }) else {
      throw PredictorError("\(path): no rows for device '\(device)' (devices: \(all.map(\.name).joined(separator: ", ")))")
    }
    return t
  }

  /// Every device of the CSV at `path`, in order of first appearance.
  public static func readAll(csv path: String, data: LatencyDataset) throws -> [TargetDevice] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw PredictorError("cannot read \(path): expected a CSV with device,arch_index,arch_str,latency_ms columns")
    }
    return try parse(text: text, origin: path, data: data)
  }

  /// `readAll` on CSV text in memory (`origin` names it in errors). A last line without its newline that does not
  /// have the header's field count is a row still being written (a profile in progress) and is skipped.
  public static func parse(text: String, origin: String, data: LatencyDataset) throws -> [TargetDevice] {
    var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
    let unterminated = lines.last.map { !$0.isEmpty } ?? false
    guard let header = lines.first(where: { !$0.isEmpty }).map(fields) else {
      throw PredictorError("\(origin): empty, expected a header line with device,arch_index,arch_str,latency_ms")
    }
    if unterminated, lines.count > 1, let last = lines.last, fields(last).count != header.count { lines.removeLast() }
    func col(_ n: String) throws -> Int {
      guard let i = header.firstIndex(of: n) else { throw PredictorError("\(origin): no '\(n)' column in the header") }
      return i
    }
    let (iDev, iIdx, iStr, iLat) = (try col("device"), try col("arch_index"), try col("arch_str"), try col("latency_ms"))
    var ofaIndex: [String: Int] = [:]
    if data.space == .ofa { for (i, a) in data.archs.enumerated() { ofaIndex[MetaPredictor.text(a)] = i } }
    var order: [String] = []
    var sums: [String: [Double]] = [:], counts: [String: [Int]] = [:]
    var headerSeen = false
    for (n, line) in lines.enumerated() where !line.isEmpty {
      if !headerSeen { headerSeen = true; continue }
      let f = fields(line)
      guard f.count == header.count else {
        throw PredictorError("\(origin):\(n + 1): \(f.count) fields, expected \(header.count)")
      }
      let dev = f[iDev]
      guard !dev.isEmpty else { throw PredictorError("\(origin):\(n + 1): empty device name") }
      guard let ms = Double(f[iLat]), ms > 0, ms.isFinite else {
        throw PredictorError("\(origin):\(n + 1): latency_ms '\(f[iLat])' is not a positive number")
      }
      var idx: Int? = Int(f[iIdx]).flatMap { (0..<data.archCount).contains($0) ? $0 : nil }
      if data.space == .nb201, let cell = try? NB201Cell(archString: f[iStr]) { idx = NB201Index.index(of: cell) }
      if data.space == .ofa, let c = try? OFAConfig(text: f[iStr]), let i = ofaIndex[MetaPredictor.text(.ofa(c))] { idx = i }
      guard let i = idx else {
        throw PredictorError("\(origin):\(n + 1): arch '\(f[iStr])' / index '\(f[iIdx])' is not in the \(data.space.rawValue) dataset list")
      }
      if sums[dev] == nil {
        order.append(dev)
        sums[dev] = [Double](repeating: 0, count: data.archCount)
        counts[dev] = [Int](repeating: 0, count: data.archCount)
      }
      sums[dev]?[i] += ms
      counts[dev]?[i] += 1
    }
    guard !order.isEmpty else { throw PredictorError("\(origin): no data rows after the header") }
    return order.map { dev in
      let s = sums[dev] ?? [], c = counts[dev] ?? []
      return TargetDevice(name: dev, latency: (0..<data.archCount).map { c[$0] > 0 ? s[$0] / Double(c[$0]) : nil })
    }
  }

  /// Splits one CSV line (RFC 4180 quotes).
  static func fields(_ line: String) -> [String] {
    var out: [String] = [], cur = "", quoted = false
    var it = Array(line).makeIterator()
    var prevQuote = false
    while let ch = it.next() {
      if quoted {
        if ch == "\"" { quoted = false; prevQuote = true } else { cur.append(ch) }
      } else if ch == "\"" {
        if prevQuote { cur.append("\"") }
        quoted = true
      } else if ch == "," { out.append(cur); cur = ""; prevQuote = false } else { cur.append(ch); prevQuote = false }
    }
    out.append(cur)
    return out.map { $0.trimmingCharacters(in: .whitespaces) }
  }
}
