#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The one way helpprof writes a whole file: readers see the old file or the new one, never a half-written one.
///
/// The bytes go to a temporary file beside the target with a random name (".NAME.<16 hex>.tmp", the NAME part
/// shortened so the temporary name fits NAME_MAX), created with `O_CREAT | O_EXCL | O_NOFOLLOW` (a planted file or
/// symlink of that name is never followed or reused), written in full, `fsync`ed, renamed over the target, and
/// the folder is `fsync`ed so the rename survives a power cut. On any failure the temporary file is removed and
/// an `IOFailure` names the target and the errno (ENOSPC as such).
public enum AtomicFile {
  /// The longest file name the temporary-name scheme supports (Linux NAME_MAX).
  public static let nameMax = 255

  public static func write(_ text: String, to path: String) throws { try write(Array(text.utf8), to: path) }

  public static func write(_ data: Data, to path: String) throws { try write([UInt8](data), to: path) }

  public static func write(_ bytes: [UInt8], to path: String) throws {
    try checkName(path)
    let (dir, base) = split(path)
    var fd: Int32 = -1
    var tmp = ""
    for _ in 0..<16 {
      tmp = (dir.isEmpty ? "" : dir + "/") + temporaryName(for: base)
      fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
      if fd >= 0 || errno != EEXIST { break }
    }
    guard fd >= 0 else {
      throw IOFailure(action: "write", path: path, code: errno)
    }
    var failure: IOFailure?
    if let code = writeAll(fd, bytes) {
      failure = IOFailure(action: "write", path: path, code: code)
    } else if fsync(fd) != 0 {
      failure = IOFailure(action: "write", path: path, code: errno)
    }
    if close(fd) != 0 && failure == nil { failure = IOFailure(action: "write", path: path, code: errno) }
    if failure == nil && rename(tmp, path) != 0 { failure = IOFailure(action: "write", path: path, code: errno) }
    if let failure {
      unlink(tmp)
      throw failure
    }
    syncDirectory(dir.isEmpty ? "." : dir)
  }

  /// Checks, before any long work, that `write(_:to:)` can create `path`: the name fits, the folder exists and is
  /// writable, and `path` is not a folder. Throws the `IOFailure` the write would have failed with.
  public static func checkWritable(_ path: String) throws {
    try checkName(path)
    let dir = split(path).dir
    let folder = dir.isEmpty ? "." : dir
    var st = stat()
    guard stat(folder, &st) == 0 else { throw IOFailure(action: "write", path: path, code: errno) }
    guard (st.st_mode & S_IFMT) == S_IFDIR else { throw IOFailure(action: "write", path: path, code: ENOTDIR) }
    guard access(folder, W_OK) == 0 else { throw IOFailure(action: "write", path: path, code: errno) }
    if stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
      throw IOFailure(action: "write", path: path, code: EISDIR)
    }
  }

  /// Throws when the last path component is too long to write (with a clear count) or the path is empty.
  public static func checkName(_ path: String, reserving extra: Int = 0) throws {
    let base = split(path).base
    guard !base.isEmpty, base != ".", base != ".." else {
      throw IOFailure(action: "write", path: path, code: EISDIR, detail: "not a file name")
    }
    let n = base.utf8.count + extra
    if n > nameMax {
      let more = extra > 0 ? " (with the \(extra) characters helpprof adds)" : ""
      throw IOFailure(action: "write", path: path, code: ENAMETOOLONG,
                      detail: "the file name is \(n) bytes\(more); at most \(nameMax) (NAME_MAX)")
    }
  }

  /// ".NAME.<16 hex>.tmp", NAME cut (at a character boundary) so that the whole fits in `nameMax` bytes.
  static func temporaryName(for base: String) -> String {
    let suffix = "." + String(UInt64.random(in: 0...UInt64.max), radix: 16).leftPadded(to: 16) + ".tmp"
    let room = nameMax - 1 - suffix.utf8.count
    var cut = ""
    var used = 0
    for ch in base {
      let n = String(ch).utf8.count
      if used + n > room { break }
      cut.append(ch)
      used += n
    }
    return "." + cut + suffix
  }

  /// Writes every byte (retrying short writes and EINTR); returns the errno on failure.
  public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeBytes { raw -> Int in
        guard let base = raw.baseAddress else { return 0 }
        return systemWrite(fd, base + offset, min(bytes.count - offset, 1 << 30))
      }
      if n < 0 {
        if errno == EINTR { continue }
        return errno
      }
      if n == 0 { return EIO }
      offset += n
    }
    return nil
  }

  /// Best effort: a folder that cannot be opened or fsynced (some file systems) keeps the rename anyway.
  static func syncDirectory(_ dir: String) {
    let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard dfd >= 0 else { return }
    _ = fsync(dfd)
    close(dfd)
  }

  static func split(_ path: String) -> (dir: String, base: String) {
    guard let slash = path.lastIndex(of: "/") else { return ("", path) }
    let dir = String(path[..<slash])
    return (dir.isEmpty ? "/" : dir, String(path[path.index(after: slash)...]))
  }
}

/// write(2), named apart from `AtomicFile.write`.
@inline(__always)
func systemWrite(_ fd: Int32, _ buf: UnsafeRawPointer, _ n: Int) -> Int {
  #if canImport(Glibc)
  return Glibc.write(fd, buf, n)
  #else
  return Darwin.write(fd, buf, n)
  #endif
}

extension String {
  fileprivate func leftPadded(to n: Int) -> String {
    count >= n ? self : String(repeating: "0", count: n - count) + self
  }
}
