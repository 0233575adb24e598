/// Strict parser and printer for NB201 arch strings (NB-geno `Structure.tostr` / `str2structure`):
///
///     |op~0|+|op~0|op~1|+|op~0|op~1|op~2|
///
/// Node j (1…3) lists its j incoming edges by source node 0…j−1; nodes are joined by `+`. Op names are
/// `none`, `skip_connect`, `nor_conv_1x1`, `nor_conv_3x3`, `avg_pool_3x3`. No whitespace is allowed.
/// Errors name the 1-based character position where the input went wrong, e.g.
/// `expected '~' after op name at position 14`.
public enum NB201ArchString {
  /// The shape every arch string has.
  public static let template = "|op~0|+|op~0|op~1|+|op~0|op~1|op~2|"

  /// Prints a cell as its arch string.
  public static func format(_ cell: NB201Cell) -> String {
    var out = ""
    var k = 0
    for node in 1...3 {
      if node > 1 { out += "+" }
      out += "|"
      for src in 0..<node {
        out += "\(cell.ops[k].name)~\(src)|"
        k += 1
      }
    }
    return out
  }

  /// Parses an arch string; throws `SearchSpaceError` naming what was expected at which position.
  public static func parse(_ text: String) throws -> NB201Cell {
    var scanner = Scanner(text)
    guard !scanner.atEnd else {
      throw SearchSpaceError("empty arch string: expected \(template)")
    }
    var ops: [NB201Op] = []
    for node in 1...3 {
      if node > 1 {
        guard !scanner.atEnd else {
          throw SearchSpaceError("arch string ends after node \(node - 1) at position \(scanner.position): "
            + "expected '+' and 3 nodes in all")
        }
        try scanner.expect("+", "between nodes \(node - 1) and \(node)")
      }
      try scanner.expect("|", "at the start of node \(node)")
      for src in 0..<node {
        if scanner.atEnd || scanner.peek == "+" {
          throw SearchSpaceError("node \(node) has \(src) edge\(src == 1 ? "" : "s") at position "
            + "\(scanner.position): expected \(node) (sources 0...\(node - 1))")
        }
        ops.append(try scanner.op())
        try scanner.expect("~", "after op name")
        try scanner.source(expected: src, node: node)
        try scanner.expect("|", "after source index")
      }
      if let c = scanner.peek, c != "+" {
        throw SearchSpaceError("node \(node) has too many edges at position \(scanner.position): expected "
          + (node == 3 ? "end of string" : "'+'") + " after \(node) edge\(node == 1 ? "" : "s"), found '\(c)'")
      }
    }
    if let c = scanner.peek {
      throw SearchSpaceError("too many nodes at position \(scanner.position): expected end of string after "
        + "node 3, found '\(c)'")
    }
    guard let cell = NB201Cell(ops: ops) else {
      throw SearchSpaceError("arch string has \(ops.count) edges: expected 6")
    }
    return cell
  }

  /// Character cursor with 1-based positions for error messages.
  private struct Scanner {
    let chars: [Character]
    var index = 0

    init(_ text: String) { chars = Array(text) }

    var atEnd: Bool { index >= chars.count }
    var peek: Character? { atEnd ? nil : chars[index] }
    /// 1-based position of the next character (one past the end at the end).
    var position: Int { index + 1 }

    mutating func expect(_ c: Character, _ context: String) throws {
      guard let got = peek else {
        throw SearchSpaceError("expected '\(c)' \(context) at position \(position), found end of string")
      }
      guard got == c else {
        throw SearchSpaceError("expected '\(c)' \(context) at position \(position), found '\(got)'")
      }
      index += 1
    }

    mutating func op() throws -> NB201Op {
      let start = index
      while let c = peek, c != "~", c != "|", c != "+" { index += 1 }
      let name = String(chars[start..<index])
      guard !name.isEmpty else {
        let found = peek.map { "'\($0)'" } ?? "end of string"
        throw SearchSpaceError("expected an op name at position \(start + 1), found \(found)")
      }
      guard let op = NB201Op(name: name) else {
        throw SearchSpaceError("unknown op \(SearchSpaceError.quoted(name)) at position \(start + 1); expected one of "
          + NB201Op.allCases.map(\.name).joined(separator: ", "))
      }
      return op
    }

    mutating func source(expected: Int, node: Int) throws {
      let start = index
      while let c = peek, c.isASCII, c.isNumber { index += 1 }
      let digits = String(chars[start..<index])
      guard let value = Int(digits) else {
        let found = peek.map { "'\($0)'" } ?? "end of string"
        throw SearchSpaceError("expected source index \(expected) at position \(start + 1), found \(found)")
      }
      guard value == expected else {
        throw SearchSpaceError("wrong source index \(digits) at position \(start + 1): expected \(expected) "
          + "(edge \(expected) of node \(node) reads node \(expected))")
      }
    }
  }
}

extension NB201Cell {
  /// The NB201 arch string, e.g. `|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|`.
  public var archString: String { NB201ArchString.format(self) }

  /// Parses an NB201 arch string strictly (see `NB201ArchString`); throws `SearchSpaceError` on any deviation.
  public init(archString: String) throws {
    self = try NB201ArchString.parse(archString)
  }
}
