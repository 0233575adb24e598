#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appending whole lines to a log-like file (profile layer timings): one checked write per call, then fsync.
/// A failed write (full disk) throws an `IOFailure` instead of trapping as Foundation's FileHandle.write does.
public enum AppendFile {
  /// Appends `text` to `path`, creating it (symlinks not followed) with `header` first when it is missing or empty.
  public static func append(_ text: String, to path: String, header: String = "") throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o666)
    guard fd >= 0 else { throw IOFailure(action: "write", path: path, code: errno) }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw IOFailure(action: "write", path: path, code: errno) }
    let bytes = Array(((st.st_size == 0 ? header : "") + text).utf8)
    if let code = AtomicFile.writeAll(fd, bytes) { throw IOFailure(action: "write", path: path, code: code) }
    guard fsync(fd) == 0 else { throw IOFailure(action: "write", path: path, code: errno) }
  }
}
