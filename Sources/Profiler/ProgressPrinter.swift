import Foundation
import SafeIO

/// Prints profile progress on stderr: a redrawn bar with rate and ETA on a terminal, plain lines otherwise.
public final class ProgressPrinter {
  private let isTerminal: Bool
  private let label: String
  private let interval: Double
  private var lastPrint = -1.0
  private var lastWidth = 0

  /// `interval`: seconds between plain lines (the bar redraws at most 10 times a second).
  public init(label: String, interval: Double = 10, forceTerminal: Bool? = nil) {
    isTerminal = forceTerminal ?? (isatty(STDERR_FILENO) != 0)
    self.label = label
    self.interval = interval
  }

  /// Shows `p`; the final update (done == total) is always printed.
  public func update(_ p: ProfileProgress) {
    let final = p.done == p.total && p.lastRow != nil
    let gap = isTerminal ? 0.1 : interval
    guard final || lastPrint < 0 || p.elapsedSeconds - lastPrint >= gap else { return }
    lastPrint = p.elapsedSeconds
    let line = ProgressPrinter.format(p, label: label, bar: isTerminal)
    if isTerminal {
      let pad = max(0, lastWidth - line.count)
      StandardStreams.err(("\r" + line + String(repeating: " ", count: pad) + (final ? "\n" : "")))
      lastWidth = line.count
    } else {
      StandardStreams.err((line + "\n"))
    }
  }

  /// One progress line, e.g. `profile [#####-----] 150/300 50% 412 archs/min ETA 0:22 noisy 2 other-cpu 0.10`.
  public static func format(_ p: ProfileProgress, label: String, bar: Bool) -> String {
    let frac = p.fractionDone
    var s = label
    if bar {
      let width = 24
      let filled = Int((frac * Double(width)).rounded(.down))
      s += " [" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
    }
    s += String(format: " %3.0f%% of %d archs, %.0f archs/min ", frac * 100, p.total, p.archsPerMinute) + eta(p)
    s += " rows \(p.done) noisy \(p.noisy) re-measured \(p.remeasured)"
    s += String(format: " other-cpu %.2f", p.otherCores)
    return s
  }

  /// "ETA 1:15" from the rate so far; "ETA ?" until some work is done (there is no rate to go by yet, and a
  /// made-up "0:00" looked like the end).
  public static func eta(_ p: ProfileProgress) -> String {
    guard p.fractionDone > 0, p.fractionDone < 1 || p.done == p.total, p.etaSeconds.isFinite else { return "ETA ?" }
    return "ETA " + duration(p.etaSeconds)
  }

  /// 75 → "1:15", 3725 → "1:02:05".
  public static func duration(_ seconds: Double) -> String {
    let t = Int(max(0, seconds).rounded())
    return t >= 3600 ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
      : String(format: "%d:%02d", t / 60, t % 60)
  }
}
