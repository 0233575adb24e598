import ArgumentParser
import Counters
import Foundation

/// `helpprof host`: what this machine is, and whether its timings can be trusted.
struct HostCommand: ParsableCommand, JSONOutputHelp {
  static let configuration = CommandConfiguration(
    commandName: "host",
    abstract: "Describe this machine for latency measurement: CPU, caches, OpenBLAS, PAPI counters, load, warnings.",
    discussion: """
      Reads /proc/cpuinfo, /sys (caches, cpufreq), PAPI (library version,
      hardware info, which counters can be added and, if none, the exact
      reason), OpenBLAS (core name, threads), and samples other processes' CPU
      use and run queues for a moment. Warnings flag what makes timings
      untrustworthy: a busy machine, no pinning, OpenBLAS falling back to slow
      kernels, no hardware counters, a VM without frequency information.

      Examples:
        helpprof host
        helpprof host --json --sample-seconds 1
      """)

  static let jsonHelp: ArgumentHelp = "Print JSON instead of text."
  @OptionGroup var output: JSONOutput<HostCommand>

  @Option(name: .long, help: "Seconds to sample other processes' CPU use (0 to skip).")
  var sampleSeconds: Double = 0.25

  @Option(name: .long, parsing: .upToNextOption,
          help: "PAPI counters to check (default: PAPI_TOT_CYC PAPI_TOT_INS PAPI_L1_DCM PAPI_L2_TCM).")
  var counters: [String] = []

  func validate() throws {
    guard sampleSeconds.isFinite, sampleSeconds >= 0, sampleSeconds <= 60 else {
      throw ValidationError("--sample-seconds \(sampleSeconds): expected a number of seconds in 0...60")
    }
    for c in counters {
      if let why = CounterSet.invalidNameReason(c) { throw fail("--counters: \(why)", HelpExit.usage) }
    }
  }

  func run() throws {
    let info = HostInfo.collect(sampleSeconds: sampleSeconds,
                                counters: counters.isEmpty ? CounterSet.defaultEvents : counters)
    if output.json {
      try printJSON(info)
    } else {
      print(info.textReport)
    }
  }
}
