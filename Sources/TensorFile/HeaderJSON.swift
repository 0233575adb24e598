/// A small strict JSON reader and writer for safetensors headers.
///
/// Foundation's JSONSerialization silently keeps the last of duplicate keys and blurs integers, floats and
/// booleans, so the header is parsed here instead: objects keep every key in order (duplicates are detected by
/// the caller), numbers keep their source text (integers are read exactly), nesting depth is bounded so hostile
/// input cannot overflow the stack.
public enum HeaderJSON: Equatable, Sendable {
  case null
  case bool(Bool)
  /// The number's source text, e.g. "12" or "-1.5e3".
  case number(String)
  case string(String)
  case array([HeaderJSON])
  /// Key/value pairs in source order, duplicates kept.
  case object([(String, HeaderJSON)])

  public static func == (a: HeaderJSON, b: HeaderJSON) -> Bool {
    switch (a, b) {
    case (.null, .null): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.number(let x), .number(let y)): return x == y
    case (.string(let x), .string(let y)): return x == y
    case (.array(let x), .array(let y)): return x == y
    case (.object(let x), .object(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    default: return false
    }
  }

  /// A short word for error messages: "object", "array", "string", ...
  public var kindName: String {
    switch self {
    case .null: return "null"
    case .bool: return "boolean"
    case .number: return "number"
    case .string: return "string"
    case .array: return "array"
    case .object: return "object"
    }
  }

  /// The value as an exact non-negative integer, or nil (fractions, exponents, signs and overflow give nil).
  public var nonNegativeInt: Int? {
    guard case .number(let text) = self, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
      return nil
    }
    return Int(text)
  }

  /// Maximum nesting depth accepted by `parse`.
  public static let maxDepth = 64

  /// Parses `bytes` as exactly one JSON value (surrounding whitespace allowed).
  public static func parse(_ bytes: [UInt8]) throws -> HeaderJSON {
    var p = Parser(bytes: bytes)
    p.skipSpace()
    let value = try p.value(depth: 0)
    p.skipSpace()
    guard p.pos == bytes.count else { throw p.error("unexpected trailing content") }
    return value
  }

  /// Compact JSON text of this value (object keys in stored order).
  public var serialized: String {
    switch self {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .number(let t): return t
    case .string(let s): return HeaderJSON.quote(s)
    case .array(let items): return "[" + items.map(\.serialized).joined(separator: ",") + "]"
    case .object(let pairs):
      return "{" + pairs.map { HeaderJSON.quote($0.0) + ":" + $0.1.serialized }.joined(separator: ",") + "}"
    }
  }

  /// A JSON string literal for `s`.
  public static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 {
          let hex = String(u.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }

  private struct Parser {
    let bytes: [UInt8]
    var pos = 0

    func error(_ what: String) -> TensorFileError {
      .headerNotJSON(reason: "\(what) at byte \(pos)")
    }

    mutating func skipSpace() {
      while pos < bytes.count, bytes[pos] == 0x20 || bytes[pos] == 0x0A || bytes[pos] == 0x0D || bytes[pos] == 0x09 {
        pos += 1
      }
    }

    mutating func literal(_ word: String, _ value: HeaderJSON) throws -> HeaderJSON {
      let w = Array(word.utf8)
      guard pos + w.count <= bytes.count, Array(bytes[pos..<pos + w.count]) == w else {
        throw error("invalid literal")
      }
      pos += w.count
      return value
    }

    mutating func value(depth: Int) throws -> HeaderJSON {
      guard depth < HeaderJSON.maxDepth else { throw error("nesting deeper than \(HeaderJSON.maxDepth)") }
      guard pos < bytes.count else { throw error("unexpected end of input") }
      switch bytes[pos] {
      case UInt8(ascii: "{"): return try object(depth: depth)
      case UInt8(ascii: "["): return try array(depth: depth)
      case UInt8(ascii: "\""): return .string(try string())
      case UInt8(ascii: "t"): return try literal("true", .bool(true))
      case UInt8(ascii: "f"): return try literal("false", .bool(false))
      case UInt8(ascii: "n"): return try literal("null", .null)
      case UInt8(ascii: "-"), 48...57: return try number()
      default: throw error("unexpected character")
      }
    }

    mutating func object(depth: Int) throws -> HeaderJSON {
      pos += 1
      var pairs: [(String, HeaderJSON)] = []
      skipSpace()
      if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(pairs) }
      while true {
        skipSpace()
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw error("expected a string key") }
        let key = try string()
        skipSpace()
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw error("expected ':'") }
        pos += 1
        skipSpace()
        pairs.append((key, try value(depth: depth + 1)))
        skipSpace()
        guard pos < bytes.count else { throw error("unterminated object") }
        if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
        if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(pairs) }
        throw error("expected ',' or '}'")
      }
    }

    mutating func array(depth: Int) throws -> HeaderJSON {
      pos += 1
      var items: [HeaderJSON] = []
      skipSpace()
      if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
      while true {
        skipSpace()
        items.append(try value(depth: depth + 1))
        skipSpace()
        guard pos < bytes.count else { throw error("unterminated array") }
        if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
        if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
        throw error("expected ',' or ']'")
      }
    }

    mutating func digits() -> Int {
      let start = pos
      while pos < bytes.count, bytes[pos] >= 48, bytes[pos] <= 57 { pos += 1 }
      return pos - start
    }

    mutating func number() throws -> HeaderJSON {
      let start = pos
      if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
      guard pos < bytes.count, bytes[pos] >= 48, bytes[pos] <= 57 else { throw error("expected a digit") }
      if bytes[pos] == 48 { pos += 1 } else { _ = digits() }
      if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
        pos += 1
        guard digits() > 0 else { throw error("expected a digit after '.'") }
      }
      if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
        pos += 1
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard digits() > 0 else { throw error("expected a digit in the exponent") }
      }
      return .number(String(decoding: bytes[start..<pos], as: UTF8.self))
    }

    mutating func hex4() throws -> UInt32 {
      guard pos + 4 <= bytes.count else { throw error("truncated \\u escape") }
      var v: UInt32 = 0
      for _ in 0..<4 {
        let c = bytes[pos]
        let d: UInt32
        switch c {
        case 48...57: d = UInt32(c - 48)
        case 65...70: d = UInt32(c - 55)
        case 97...102: d = UInt32(c - 87)
        default: throw error("bad hex digit in \\u escape")
        }
        v = v * 16 + d
        pos += 1
      }
      return v
    }

    mutating func string() throws -> String {
      pos += 1
      var raw: [UInt8] = []
      while true {
        guard pos < bytes.count else { throw error("unterminated string") }
        let c = bytes[pos]
        if c == UInt8(ascii: "\"") { pos += 1; break }
        if c < 0x20 { throw error("control character in string") }
        if c != UInt8(ascii: "\\") { raw.append(c); pos += 1; continue }
        pos += 1
        guard pos < bytes.count else { throw error("unterminated escape") }
        let e = bytes[pos]
        pos += 1
        switch e {
        case UInt8(ascii: "\""): raw.append(0x22)
        case UInt8(ascii: "\\"): raw.append(0x5C)
        case UInt8(ascii: "/"): raw.append(0x2F)
        case UInt8(ascii: "b"): raw.append(0x08)
        case UInt8(ascii: "f"): raw.append(0x0C)
        case UInt8(ascii: "n"): raw.append(0x0A)
        case UInt8(ascii: "r"): raw.append(0x0D)
        case UInt8(ascii: "t"): raw.append(0x09)
        case UInt8(ascii: "u"):
          var scalar = try hex4()
          if scalar >= 0xD800, scalar < 0xDC00 {
            guard pos + 2 <= bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
              throw error("unpaired surrogate")
            }
            pos += 2
            let low = try hex4()
            guard low >= 0xDC00, low < 0xE000 else { throw error("unpaired surrogate") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let u = Unicode.Scalar(scalar) else { throw error("unpaired surrogate") }
          raw.append(contentsOf: Array(String(Character(u)).utf8))
        default: throw error("unknown escape")
        }
      }
      guard let s = String(validating: raw, as: UTF8.self) else { throw error("string is not valid UTF-8") }
      return s
    }
  }
}
