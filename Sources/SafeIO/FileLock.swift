#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock (flock) on a file, held until `release()` or deinit.
///
/// Two processes writing one output (two `helpprof profile --out f.csv` at once) would interleave rows and headers;
/// the second one's `FileLock.acquire` fails at once with `FileLock.Busy` instead of waiting.
public final class FileLock {
  public let path: String
  private var fd: Int32

  /// Another process holds the lock on `path`.
  public struct Busy: Error, CustomStringConvertible, Sendable {
    public let path: String
    public var description: String { "\(path) is in use by another helpprof process (it holds a lock on it)" }
  }

  private init(path: String, fd: Int32) {
    self.path = path
    self.fd = fd
  }

  /// Locks `path` (created empty when missing unless `create` is false; a symlink is not followed).
  /// Throws `Busy` when another process holds the lock, `IOFailure` when the file cannot be opened.
  public static func acquire(_ path: String, create: Bool = true) throws -> FileLock {
    let flags = O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0)
    let fd = open(path, flags, 0o666)
    guard fd >= 0 else { throw IOFailure(action: "open", path: path, code: errno) }
    while flock(fd, LOCK_EX | LOCK_NB) != 0 {
      let code = errno
      if code == EINTR { continue }
      close(fd)
      if code == EWOULDBLOCK { throw Busy(path: path) }
      throw IOFailure(action: "lock", path: path, code: code)
    }
    return FileLock(path: path, fd: fd)
  }

  public func release() {
    guard fd >= 0 else { return }
    _ = flock(fd, LOCK_UN)
    close(fd)
    fd = -1
  }

  deinit { release() }
}
