/// One number syntax for every number helpprof reads from text in its data files (predictor metadata, measurement
/// CSVs): JSON's decimal grammar, nothing else. Swift's `Double("0x1p3")` is 8, `Double("nan")` is NaN and
/// `Int("+5")` is 5; Python's `float("1_0")` is 10 and `float(" 1")` is 1 — each reader accepting its own
/// dialect is how two loaders come to disagree about one file. tools/helpprof_predictor.py uses the same grammar
/// (`_STRICT_FLOAT`, `_STRICT_INT`).
public enum StrictNumber {
  /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` — no spaces, no hex, no `inf`/`nan`, no `+`, no `_`.
  public static func isDecimal(_ text: String) -> Bool {
    var u = Array(text.utf8)[...]
    func digits() -> Int {
      var n = 0
      while let c = u.first, c >= 0x30, c <= 0x39 { u.removeFirst(); n += 1 }
      return n
    }
    if u.first == UInt8(ascii: "-") { u.removeFirst() }
    guard let first = u.first, first >= 0x30, first <= 0x39 else { return false }
    if first == 0x30 { u.removeFirst() } else { _ = digits() }
    if u.first == UInt8(ascii: ".") {
      u.removeFirst()
      guard digits() > 0 else { return false }
    }
    if u.first == UInt8(ascii: "e") || u.first == UInt8(ascii: "E") {
      u.removeFirst()
      if u.first == UInt8(ascii: "+") || u.first == UInt8(ascii: "-") { u.removeFirst() }
      guard digits() > 0 else { return false }
    }
    return u.isEmpty
  }

  /// The value of a decimal number in the strict grammar (may be ±inf when it overflows: check `isFinite`).
  public static func double(_ text: String) -> Double? {
    guard text.utf8.count <= 64, isDecimal(text) else { return nil }
    return Double(text)
  }

  /// `-?(0|[1-9][0-9]*)` within Int's range.
  public static func int(_ text: String) -> Int? {
    guard text.utf8.count <= 20, isDecimal(text), !text.utf8.contains(where: { $0 == 0x2E || $0 == 0x65 || $0 == 0x45 })
    else { return nil }
    return Int(text)
  }
}
