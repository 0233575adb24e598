/// An error from planning or running a network: the message names the value and what was expected.
public struct RuntimeError: Error, CustomStringConvertible, Equatable, Sendable {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
