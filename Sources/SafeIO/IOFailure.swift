#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed file or stream operation, with the errno it failed with, described in one line.
///
/// `description` reads "cannot write out/r.html: no space left on device (ENOSPC)"; the errno is captured at the
/// failing call (before any clean-up can overwrite it), so a full disk is never reported as a missing file.
public struct IOFailure: Error, CustomStringConvertible, Sendable {
  /// What was being done: "write", "create", "lock", ...
  public let action: String
  /// The file or stream ("stdout").
  public let path: String
  /// errno at the failing call (0 when the failure is not a system call's).
  public let code: Int32
  /// Extra words for failures that are not a system call's (e.g. "the name is 260 bytes; at most 255").
  public let detail: String?

  public init(action: String, path: String, code: Int32, detail: String? = nil) {
    self.action = action
    self.path = path
    self.code = code
    self.detail = detail
  }

  /// The reason alone: "no space left on device (ENOSPC)".
  public var reason: String {
    if let detail { return detail }
    return IOFailure.reason(errno: code)
  }

  public var description: String { "cannot \(action) \(path): \(reason)" }

  /// True when the disk (or quota) is full.
  public var isNoSpace: Bool { code == ENOSPC || code == EDQUOT }

  /// strerror in lower case plus the symbolic name for the common codes.
  public static func reason(errno code: Int32) -> String {
    var text = String(cString: strerror(code))
    if let first = text.first { text = first.lowercased() + text.dropFirst() }
    let names: [Int32: String] = [
      ENOSPC: "ENOSPC", EDQUOT: "EDQUOT", ENOENT: "ENOENT", EACCES: "EACCES", EEXIST: "EEXIST", ELOOP: "ELOOP",
      ENAMETOOLONG: "ENAMETOOLONG", EROFS: "EROFS", EISDIR: "EISDIR", ENOTDIR: "ENOTDIR", EIO: "EIO",
      EPIPE: "EPIPE", EWOULDBLOCK: "EWOULDBLOCK", EPERM: "EPERM", EFBIG: "EFBIG",
    ]
    return names[code].map { "\(text) (\($0))" } ?? text
  }
}
