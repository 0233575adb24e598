/// A bad search-space input: a malformed arch string, an index out of range, an OFA config off the grid.
/// `message` is one line naming the offending value and what was expected, ready to show to a user.
public struct SearchSpaceError: Error, CustomStringConvertible, Equatable, Sendable {
  public let message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
}

extension SearchSpaceError {
  /// `text` in single quotes for an error message, cut to `limit` characters ("'r=224 d=…' (112000 characters)"),
  /// so that a bad 112 KB input is not echoed back whole.
  public static func quoted<S: StringProtocol>(_ text: S, limit: Int = 80) -> String {
    let n = text.count
    guard n > limit else { return "'\(text)'" }
    return "'\(text.prefix(limit))…' (\(n) characters)"
  }
}
