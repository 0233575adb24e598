import Foundation

/// helpprof's one JSON style: snake_case keys, pretty, key-sorted, for every `--json` output and every JSON file
/// it writes (profile sidecars, device profiles). Swift properties stay camelCase; the key strategies translate.
///
/// The translation round-trips: `camelCase` → `camel_case` → `camelCase`, acronyms included (`allowedCPUs` →
/// `allowed_cpus` → `allowedCPUs`) through the table `acronyms`. The decoder also accepts the camelCase keys that
/// files written before the switch hold: a key without an underscore is used as is.
public enum JSONStyle {
  /// Acronyms used in helpprof's property names, as they are spelled in Swift (longest first within a prefix).
  public static let acronyms = ["CPUs", "CPU", "MACs", "IQR", "MHz", "BLAS", "ID", "BN", "SE", "OK", "JSON", "CSV", "CI"]

  public static func encoder() -> JSONEncoder {
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    enc.keyEncodingStrategy = .custom { path in AnyKey(snake(path.last?.stringValue ?? "")) }
    // Never crash on a non-finite value: it is written as the string "inf", "-inf" or "nan" (a flagged value,
    // never a plain number).
    enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return enc
  }

  public static func decoder() -> JSONDecoder {
    let dec = JSONDecoder()
    dec.keyDecodingStrategy = .custom { path in AnyKey(camel(path.last?.stringValue ?? "")) }
    return dec
  }

  /// `allowedCPUs` → `allowed_cpus`, `p10Ms` → `p10_ms`. Keys that are not lower-camel identifiers (already snake,
  /// `PAPI_TOT_CYC`, device names) are kept as they are.
  public static func snake(_ key: String) -> String {
    let chars = Array(key)
    guard let first = chars.first, first.isLowercase, first.isASCII,
          chars.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
          chars.contains(where: { $0.isUppercase }) else { return key }
    var words: [String] = []
    var current = ""
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if c.isUppercase {
        if !current.isEmpty { words.append(current) }
        current = ""
        if let a = acronyms.first(where: { matches($0, chars, at: i) }) {
          words.append(a.lowercased())
          i += a.count
          continue
        }
        current = String(c).lowercased()
      } else {
        current.append(c)
      }
      i += 1
    }
    if !current.isEmpty { words.append(current) }
    return words.joined(separator: "_")
  }

  /// `allowed_cpus` → `allowedCPUs`; keys without an underscore or with capitals are kept as they are.
  public static func camel(_ key: String) -> String {
    guard key.contains("_"), !key.hasPrefix("_"), !key.hasSuffix("_"), !key.contains("__"),
          key.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else { return key }
    let words = key.split(separator: "_").map(String.init)
    var out = words[0]
    for w in words.dropFirst() {
      if let a = acronyms.first(where: { $0.lowercased() == w }) {
        out += a
      } else {
        out += w.prefix(1).uppercased() + w.dropFirst()
      }
    }
    return out
  }

  /// The acronym `a` starts at `i` and ends a word (end, or an uppercase letter or digit follows).
  private static func matches(_ a: String, _ chars: [Character], at i: Int) -> Bool {
    let ac = Array(a)
    guard i + ac.count <= chars.count, Array(chars[i..<(i + ac.count)]) == ac else { return false }
    let next = i + ac.count
    return next == chars.count || chars[next].isUppercase || chars[next].isNumber
  }

  struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
      stringValue = String(intValue)
      self.intValue = intValue
    }
  }
}
