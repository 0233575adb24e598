/// A bad search-space input: a malformed arch string, an index out of range, an OFA config off the grid.
/// `message` is one line naming the offending value and what was expected, ready to show to a user.
public struct SearchSpaceError: Error, CustomStringConvertible, Equatable, Sendable {
  public let message: String

  public init(_ message: String) { self.message = message }

  public var description: String { message }
}
