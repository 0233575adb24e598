/// Readable text form of an OFA config, and the `ofa_archs.csv` row format.
///
/// Text form (one line, `key=value` items separated by spaces, printed in this order):
///
///     r=224 w=1.0 d=2,2,2,3,3 ks=3,3,5,7,3,3,5,3,7,7,3,7,3,7,5,5,3,3,5,5 e=3,3,4,3,6,4,3,4,6,4,6,6,6,4,4,6,6,6,6,3
///
/// `r` resolution, `w` width multiplier (1.0 or 1.2), `d` 5 depths, `ks` 20 kernel sizes, `e` 20 expand
/// ratios; lists are comma-separated. All slots are printed as given, inactive ones included. When parsing,
/// items may come in any order, `w` may be left out (default 1.0), and the result is validated.
///
/// CSV form (`/work/shared/data/ofa_archs.csv`, HELP's 5,000 archs): `arch_index,resolution,d,ks,e` with
/// dash-separated lists, e.g. `0,204,2-2-2-2-3,7-5-5-…,6-4-4-…`.
extension OFAConfig: CustomStringConvertible {
  /// The text form, e.g. `r=224 w=1.0 d=4,4,4,4,4 ks=… e=…`.
  public var text: String {
    func list(_ v: [Int]) -> String { v.map(String.init).joined(separator: ",") }
    return "r=\(resolution) w=\(width.rawValue) d=\(list(d)) ks=\(list(ks)) e=\(list(e))"
  }

  public var description: String { text }

  /// Parses the text form and validates the result.
  public init(text: String) throws {
    var fields: [String: String] = [:]
    let keys = ["r", "w", "d", "ks", "e"]
    let items = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
    guard !items.isEmpty else {
      throw SearchSpaceError("empty OFA config: expected 'r=224 w=1.0 d=4,4,4,4,4 ks=<20 values> e=<20 values>'")
    }
    for item in items {
      guard let eq = item.firstIndex(of: "=") else {
        throw SearchSpaceError("OFA config item \(SearchSpaceError.quoted(item)) has no '=': expected key=value with key r, w, d, ks or e")
      }
      let key = String(item[..<eq]), value = String(item[item.index(after: eq)...])
      guard keys.contains(key) else {
        throw SearchSpaceError("unknown OFA config key \(SearchSpaceError.quoted(key)): expected r, w, d, ks or e")
      }
      guard fields[key] == nil else {
        throw SearchSpaceError("OFA config key \(SearchSpaceError.quoted(key)) given twice: expected each of r, w, d, ks, e once")
      }
      fields[key] = value
    }
    for key in ["r", "d", "ks", "e"] where fields[key] == nil {
      throw SearchSpaceError("OFA config lacks '\(key)=': expected r, d, ks and e (w optional)")
    }
    let rText = fields["r"] ?? ""
    guard let r = Int(rText) else {
      throw SearchSpaceError("resolution \(SearchSpaceError.quoted(rText)) is not an integer: expected 128, 132, ..., 224")
    }
    self.init(ks: try Self.intList(fields["ks"] ?? "", "ks", separator: ","),
              e: try Self.intList(fields["e"] ?? "", "e", separator: ","),
              d: try Self.intList(fields["d"] ?? "", "d", separator: ","),
              resolution: r,
              width: try fields["w"].map { try OFAWidth(parsing: $0) } ?? .w10)
    try validate()
  }

  /// Parses the fields of one `ofa_archs.csv` row (dash-separated lists) and validates the result.
  /// HELP measured these archs on the w1.2 supernet (spec B5), hence the default width.
  public init(csvResolution: String, d: String, ks: String, e: String, width: OFAWidth = .w12) throws {
    let rText = csvResolution.trimmingSpaces
    guard let r = Int(rText) else {
      throw SearchSpaceError("resolution \(SearchSpaceError.quoted(rText)) is not an integer: expected 128, 132, ..., 224")
    }
    self.init(ks: try Self.intList(ks.trimmingSpaces, "ks", separator: "-"),
              e: try Self.intList(e.trimmingSpaces, "e", separator: "-"),
              d: try Self.intList(d.trimmingSpaces, "d", separator: "-"),
              resolution: r, width: width)
    try validate()
  }

  /// Parses one whole `ofa_archs.csv` data line `arch_index,resolution,d,ks,e` (a trailing CR is ignored).
  public static func parseCSVRow(_ line: String, width: OFAWidth = .w12) throws -> (archIndex: Int, config: OFAConfig) {
    let fields = line.trimmingSpaces.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    guard fields.count == 5 else {
      throw SearchSpaceError("OFA CSV row has \(fields.count) fields: expected 5 (arch_index,resolution,d,ks,e)")
    }
    guard let index = Int(fields[0]) else {
      throw SearchSpaceError("OFA CSV arch_index \(SearchSpaceError.quoted(fields[0])) is not an integer")
    }
    return (index, try OFAConfig(csvResolution: fields[1], d: fields[2], ks: fields[3], e: fields[4], width: width))
  }

  /// The CSV fields `resolution,d,ks,e` (dash-separated lists), without the index.
  public var csvFields: String {
    func list(_ v: [Int]) -> String { v.map(String.init).joined(separator: "-") }
    return "\(resolution),\(list(d)),\(list(ks)),\(list(e))"
  }

  private static func intList(_ text: String, _ name: String, separator: Character) throws -> [Int] {
    guard !text.isEmpty else { throw SearchSpaceError("\(name) is empty: expected a list of integers") }
    return try text.split(separator: separator, omittingEmptySubsequences: false).enumerated().map { i, piece in
      guard let v = Int(piece) else {
        throw SearchSpaceError("\(name) item \(i) \(SearchSpaceError.quoted(piece)) is not an integer")
      }
      return v
    }
  }
}

extension String {
  /// Without leading/trailing spaces, tabs, CR and LF (no Foundation needed).
  fileprivate var trimmingSpaces: String {
    let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
    guard let start = firstIndex(where: { !blank($0) }), let end = lastIndex(where: { !blank($0) }) else { return "" }
    return String(self[start...end])
  }
}
