import Foundation

/// A profile CSV opened for appending, crash-safe and resumable.
///
/// On open, an existing file is read: a torn last line (a row cut by kill -9 or power loss: no final
/// newline) is dropped by truncating the file to its last newline, every complete row is parsed, and the
/// finished archs become `doneKeys`. Each new row is appended with one `write` and an `fsync`, so a crash
/// loses at most the row being written and never leaves a duplicate.
public final class ProfileCSVFile {
  public let path: String
  /// Rows already in the file when it was opened.
  public private(set) var existingRows: [ProfileRow] = []
  /// Bytes of a torn last line that were cut off on open (0 when the file ended cleanly).
  public private(set) var droppedTornBytes = 0
  private var fd: Int32 = -1
  /// True when the file has the 19-column header of files written before the canary columns; rows appended to
  /// it are written in that format too, so the file stays one format.
  public private(set) var legacyFormat = false

  /// Resume keys (index|arch string) of the rows in the file.
  public var doneKeys: Set<String> { Set(existingRows.map(\.key)) }

  /// Opens (creating with a header when missing or empty) `path` for appending.
  /// Throws `ProfilerError(kind: .data)` when the file is not a helpprof profile CSV.
  public init(path: String) throws {
    self.path = path
    let fm = FileManager.default
    var data = fm.fileExists(atPath: path) ? (fm.contents(atPath: path) ?? Data()) : Data()
    let newline = UInt8(ascii: "\n")
    if !data.isEmpty && data.last != newline {
      let keep = data.lastIndex(of: newline).map { $0 + 1 } ?? 0
      droppedTornBytes = data.count - keep
      data = data.prefix(keep)
      guard truncate(path, off_t(keep)) == 0 else {
        throw ProfilerError("cannot truncate torn last line of \(path): \(String(cString: strerror(errno)))",
                            kind: .runtime)
      }
    }
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw ProfilerError("cannot open \(path) for writing: \(String(cString: strerror(errno)))", kind: .runtime)
    }
    if data.isEmpty {
      try writeLine(ProfileRow.header)
      return
    }
    let text = String(decoding: data, as: UTF8.self)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.last == "" { lines.removeLast() }
    let headText = lines.first.map { $0.trimmingCharacters(in: .whitespaces) }
    legacyFormat = headText == ProfileRow.legacyHeader
    guard let head = headText, head == ProfileRow.header || legacyFormat else {
      close(fd)
      fd = -1
      throw ProfilerError("\(path) is not a helpprof profile CSV: its first line is '\(lines.first?.prefix(60) ?? "")', "
        + "expected the header '\(ProfileRow.header.prefix(60))...'", kind: .data)
    }
    for (i, line) in lines.dropFirst().enumerated() where !line.isEmpty {
      do {
        existingRows.append(try ProfileRow(csvLine: String(line)))
      } catch let e as ProfilerError {
        close(fd)
        fd = -1
        throw ProfilerError("\(path) line \(i + 2): \(e.message)", kind: .data)
      }
    }
  }

  deinit { if fd >= 0 { close(fd) } }

  /// Appends one row with a single write, then fsync.
  public func append(_ row: ProfileRow) throws { try writeLine(row.csvLine(legacy: legacyFormat)) }

  private func writeLine(_ line: String) throws {
    let bytes = Array((line + "\n").utf8)
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    guard written == bytes.count else {
      throw ProfilerError("write to \(path) failed (\(written) of \(bytes.count) bytes): "
        + String(cString: strerror(errno)), kind: .runtime)
    }
    guard fsync(fd) == 0 else {
      throw ProfilerError("fsync of \(path) failed: \(String(cString: strerror(errno)))", kind: .runtime)
    }
  }

  /// Reads every row of a profile CSV (no resume side effects); a torn last line is ignored.
  public static func readRows(path: String) throws -> [ProfileRow] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ProfilerError("cannot read \(path)", kind: .runtime)
    }
    var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    if data.last != UInt8(ascii: "\n"), !lines.isEmpty { lines.removeLast() }
    let head = lines.first.map { $0.trimmingCharacters(in: .whitespaces) }
    guard head == ProfileRow.header || head == ProfileRow.legacyHeader else {
      throw ProfilerError("\(path) is not a helpprof profile CSV (header differs)", kind: .data)
    }
    return try lines.dropFirst().filter { !$0.isEmpty }.map { try ProfileRow(csvLine: String($0)) }
  }
}
