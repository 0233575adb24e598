import Foundation

/// Runnable tasks per CPU, from `/proc/<pid>/task/<tid>/stat` (state `R` and the CPU each last ran on).
///
/// Busy percentages cannot tell "one CPU hog pinned here" from "two compilers hopping around"; counting who
/// is runnable where can. The measuring process's own threads are left out.
public enum RunQueue {
  /// (state, last CPU) of one `stat` line; nil when malformed.
  public static func parseStat(_ text: String) -> (state: Character, cpu: Int)? {
    guard let close = text.lastIndex(of: ")") else { return nil }
    let rest = text[text.index(after: close)...].split(separator: " ")
    // rest[0] is field 3 (state); the CPU is field 39.
    guard rest.count > 36, let state = rest[0].first, let cpu = Int(rest[36]) else { return nil }
    return (state, cpu)
  }

  /// Runnable tasks of other processes per CPU, right now.
  public static func sample(excludingPID own: Int32 = getpid()) -> [Int: Int] {
    var counts: [Int: Int] = [:]
    let fm = FileManager.default
    guard let pids = try? fm.contentsOfDirectory(atPath: "/proc") else { return counts }
    for pid in pids where pid.first?.isNumber == true && Int32(pid) != own {
      guard let tids = try? fm.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { continue }
      for tid in tids {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/stat", encoding: .utf8),
              let s = parseStat(text), s.state == "R" else { continue }
        counts[s.cpu, default: 0] += 1
      }
    }
    return counts
  }

  /// Mean runnable tasks of other processes per CPU over `samples` looks `interval` seconds apart.
  public static func average(samples: Int = 5, interval: Double = 0.02) -> [Int: Double] {
    var sum: [Int: Double] = [:]
    let n = max(1, samples)
    for i in 0..<n {
      for (cpu, c) in sample() { sum[cpu, default: 0] += Double(c) }
      if i + 1 < n { usleep(useconds_t(interval * 1e6)) }
    }
    return sum.mapValues { $0 / Double(n) }
  }
}
