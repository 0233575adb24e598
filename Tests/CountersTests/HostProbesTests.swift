import Counters
import XCTest

/// Parsers of /proc and /sys text, on embedded fixtures.
final class HostProbesTests: XCTestCase {
  let cpuinfo = """
    processor\t: 0
    vendor_id\t: AuthenticAMD
    cpu family\t: 25
    model\t\t: 17
    model name\t: AMD EPYC
    stepping\t: 1
    cpu MHz\t\t: 2596.096
    flags\t\t: fpu sse2 ssse3 sse4_1 sse4_2 avx fma avx2 avx512f avx512bw avx512vl hypervisor

    processor\t: 1
    vendor_id\t: AuthenticAMD
    model name\t: Other

    """

  func testCPUInfo() {
    let ci = HostProbes.parseCPUInfo(cpuinfo)
    XCTAssertEqual(ci["model name"], "AMD EPYC")
    XCTAssertEqual(ci["cpu family"], "25")
    XCTAssertEqual(ci["cpu MHz"], "2596.096")
    XCTAssertEqual(HostProbes.processorCount(cpuinfo), 2)
    let flags = Set((ci["flags"] ?? "").split(separator: " ").map(String.init))
    XCTAssertEqual(HostProbes.simdLevel(flags: flags), "avx512")
    XCTAssertEqual(HostProbes.simdLevel(flags: ["avx2", "fma", "avx"]), "avx2+fma")
    XCTAssertEqual(HostProbes.simdLevel(flags: ["sse2"]), "sse2")
    XCTAssertEqual(HostProbes.simdFeatures(flags: flags).first, "sse2")
    XCTAssertFalse(HostProbes.simdFeatures(flags: flags).contains("hypervisor"))
  }

  func testLoadAvgMemInfoSizes() throws {
    let la = try XCTUnwrap(HostProbes.parseLoadAvg("0.16 0.10 0.04 3/110 6011\n"))
    XCTAssertEqual(la.one, 0.16)
    XCTAssertEqual(la.fifteen, 0.04)
    XCTAssertEqual(la.runnable, 3)
    XCTAssertEqual(la.tasks, 110)
    XCTAssertNil(HostProbes.parseLoadAvg("garbage"))
    XCTAssertEqual(HostProbes.parseMemTotal("MemTotal:       24608000 kB\nMemFree: 1 kB\n"), 24_608_000 * 1024)
    XCTAssertEqual(HostProbes.parseSize("48K"), 48 * 1024)
    XCTAssertEqual(HostProbes.parseSize("32M\n"), 32 << 20)
    XCTAssertEqual(HostProbes.parseSize("123"), 123)
    XCTAssertNil(HostProbes.parseSize("x"))
    XCTAssertEqual(HostProbes.parseOSRelease("NAME=x\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"),
                   "Debian GNU/Linux 12 (bookworm)")
  }

  func testSysfsCachesAndFrequencyFromTempTree() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("hp-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    func put(_ rel: String, _ text: String) throws {
      let url = root.appendingPathComponent(rel)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    try put("cache/index0/level", "1\n"); try put("cache/index0/type", "Data\n"); try put("cache/index0/size", "48K\n")
    try put("cache/index0/coherency_line_size", "64\n"); try put("cache/index0/ways_of_associativity", "12\n")
    try put("cache/index2/level", "2\n"); try put("cache/index2/type", "Unified\n"); try put("cache/index2/size", "2048K\n")
    let caches = HostProbes.sysfsCaches(root: root.appendingPathComponent("cache").path)
    XCTAssertEqual(caches.map(\.label), ["L1d 48 KiB", "L2 2 MiB"])
    XCTAssertEqual(caches.first?.associativity, 12)
    XCTAssertTrue(HostProbes.frequencyScaling(root: root.appendingPathComponent("nope").path).hasPrefix("not exposed"))
    try put("freq/scaling_governor", "performance\n"); try put("freq/scaling_cur_freq", "2600000\n")
    let f = HostProbes.frequencyScaling(root: root.appendingPathComponent("freq").path)
    XCTAssertTrue(f.contains("governor performance"), f)
    XCTAssertTrue(f.contains("cur 2600 MHz"), f)
  }

  func testProcStatAndLoadArithmetic() throws {
    let a = try XCTUnwrap(CPUSnapshot.parse(procStat: """
      cpu  100 0 50 800 50 0 0 0 0 0
      cpu0 50 0 25 400 25 0 0 0 0 0
      cpu1 50 0 25 400 25 0 0 0 0 0
      intr 1 2 3
      """))
    let b = try XCTUnwrap(CPUSnapshot.parse(procStat: """
      cpu  200 0 60 880 50 0 0 10 0 0
      cpu0 140 0 30 410 25 0 0 5 0 0
      cpu1 60 0 30 470 25 0 0 5 0 0
      """))
    XCTAssertEqual(a.all.busy, 150)
    XCTAssertEqual(a.all.idle, 850)
    // 1 s apart, this process used 0.5 CPU-seconds.
    let sa = CPUSnapshot(perCPU: a.perCPU, all: a.all, selfNanoseconds: 0, wallNanoseconds: 0)
    let sb = CPUSnapshot(perCPU: b.perCPU, all: b.all, selfNanoseconds: 500_000_000, wallNanoseconds: 1_000_000_000)
    let load = CPULoad(from: sa, to: sb, ticksPerSecond: 100)
    XCTAssertEqual(load.seconds, 1, accuracy: 1e-12)
    // busy delta: all 270-150 = 120 ticks = 1.2 CPU-s; other = 1.2 - 0.5.
    XCTAssertEqual(load.otherCores, 0.7, accuracy: 1e-12)
    XCTAssertEqual(load.selfCores, 0.5, accuracy: 1e-12)
    // cpu0: busy 175-75 = 100 of total 610-500 = 110.
    XCTAssertEqual(load.perCPUBusy[0], 100.0 / 110.0, accuracy: 1e-12)
    XCTAssertEqual(load.stealFraction, 10.0 / 200.0, accuracy: 1e-12)
    XCTAssertNil(CPUSnapshot.parse(procStat: "intr 1\n"))
  }

  func testRunQueueStatParsing() throws {
    let fields = (4...52).map(String.init).joined(separator: " ")
    let line = "123 (my (odd) name) R \(fields)"
    let parsed = try XCTUnwrap(RunQueue.parseStat(line))
    XCTAssertEqual(parsed.state, "R")
    XCTAssertEqual(parsed.cpu, 39, "field 39 is the CPU")
    XCTAssertNil(RunQueue.parseStat("garbage"))
    XCTAssertNil(RunQueue.parseStat("1 (x) S 4 5"))
    _ = RunQueue.sample()
  }

  func testLeastBusyCPU() {
    let load = CPULoad(seconds: 1, perCPUBusy: [0.9, 0.1], selfCores: 0.8, otherCores: 0.2, stealFraction: 0)
    XCTAssertEqual(CPUPinning.leastBusyCPU(among: [0, 1], load: load), 1)
    // Pinned on 0 and using 0.8 of it ourselves: CPU 0 has only 0.1 of others, tie → highest number.
    XCTAssertEqual(CPUPinning.leastBusyCPU(among: [0, 1], load: load, excludingSelfOn: 0), 1)
    XCTAssertEqual(CPUPinning.leastBusyCPU(among: [0, 1], load: nil), 1)
    // Both CPUs 100% busy: the run queue decides (a hog pinned on CPU 1).
    let full = CPULoad(seconds: 1, perCPUBusy: [1, 1], selfCores: 0, otherCores: 2, stealFraction: 0)
    XCTAssertEqual(CPUPinning.leastBusyCPU(among: [0, 1], load: full, runnable: [0: 1, 1: 2]), 0)
    XCTAssertEqual(CPUPinning.leastBusyCPU(among: [0, 1], load: full, runnable: [0: 1, 1: 1.05]), 1)
  }
}
