#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading a whole file with errors that say what went wrong ("is a directory (EISDIR)", "no such file or
/// directory (ENOENT)") instead of Foundation's "The operation could not be completed".
public enum ReadFile {
  /// The file's bytes; a folder, a missing file or a read error throws `IOFailure` (action "read").
  public static func bytes(_ path: String, limit: Int = 1 << 34) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw IOFailure(action: "read", path: path, code: errno) }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw IOFailure(action: "read", path: path, code: errno) }
    if (st.st_mode & S_IFMT) == S_IFDIR { throw IOFailure(action: "read", path: path, code: EISDIR) }
    guard Int(st.st_size) <= limit else {
      throw IOFailure(action: "read", path: path, code: EFBIG, detail: "the file is \(st.st_size) bytes; at most \(limit)")
    }
    var out: [UInt8] = []
    out.reserveCapacity(Int(st.st_size))
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw IOFailure(action: "read", path: path, code: errno)
      }
      if n == 0 { break }
      out.append(contentsOf: chunk[0..<n])
      if out.count > limit {
        throw IOFailure(action: "read", path: path, code: EFBIG, detail: "the file is larger than \(limit) bytes")
      }
    }
    return out
  }

  /// The file as UTF-8 text; invalid UTF-8 throws (action "read", "not UTF-8 text").
  public static func text(_ path: String) throws -> String {
    let b = try bytes(path)
    guard let s = String(validating: b, as: UTF8.self) else {
      throw IOFailure(action: "read", path: path, code: EILSEQ, detail: "not UTF-8 text")
    }
    return s
  }
}
