#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// stdout and stderr without traps: text goes through C stdio (the stream `print` uses), and a failed write
/// (`> /dev/full`, a full disk, a closed pipe) is detected when the output is flushed, so the process can exit 1
/// with a clear message instead of crashing (Foundation's FileHandle.write traps) or exiting 0 with its output lost.
public enum StandardStreams {
  /// Writes `text` to stdout (buffered; errors surface at `flushStdout`).
  public static func out(_ text: String) {
    var t = text
    t.withUTF8 { buf in
      guard let base = buf.baseAddress else { return }
      _ = fwrite(base, 1, buf.count, stdout)
    }
  }

  /// Writes `text` to stderr (unbuffered); a failure to write an error message is ignored, as there is nowhere
  /// left to report it.
  public static func err(_ text: String) {
    var t = text
    t.withUTF8 { buf in
      guard let base = buf.baseAddress else { return }
      _ = fwrite(base, 1, buf.count, stderr)
    }
  }

  /// Flushes stdout; throws `IOFailure` (action "write", path "stdout") when any write to it failed.
  public static func flushStdout() throws {
    let flushed = fflush(stdout)
    let code = errno
    if flushed != 0 || ferror(stdout) != 0 {
      throw IOFailure(action: "write", path: "standard output", code: code == 0 ? EIO : code)
    }
  }

  /// Registers an exit hook that flushes stdout and, when output was lost, prints "helpprof: error: cannot
  /// write standard output: no space left on device (ENOSPC)" and exits 1 (instead of a success code).
  public static func installExitCheck() {
    atexit {
      do {
        try StandardStreams.flushStdout()
      } catch let e as IOFailure {
        StandardStreams.err("helpprof: error: \(e.description)\n")
        _exit(1)
      } catch {
        StandardStreams.err("helpprof: error: \(error)\n")
        _exit(1)
      }
    }
  }
}
