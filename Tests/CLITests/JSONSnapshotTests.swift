import Foundation
import XCTest

/// One `--json` output per command that prints JSON, against Snapshots/json/<command>.json: the whole text where
/// the output depends only on the input (`arch`, `list`), its structure (`Snapshot.shape`: keys and value types)
/// where numbers depend on timing, OpenBLAS's kernels or the machine. Tiny settings: the whole test takes seconds.
final class JSONSnapshotTests: XCTestCase {
  /// How a command's output is compared.
  enum Compare { case text, shape(depth: Int) }

  private func check(_ name: String, _ args: [String], _ compare: Compare,
                     file: StaticString = #filePath, line: UInt = #line) throws {
    let r = try runHelpprof(args)
    XCTAssertEqual(r.status, 0, "\(args): \(r.stderr)", file: file, line: line)
    guard r.status == 0 else { return }
    switch compare {
    case .text:
      // File paths (where the bundled models were installed) depend on the checkout; they are masked.
      let text = r.stdout.replacingOccurrences(of: #""file" : "[^"]*""#, with: #""file" : "<path>""#,
                                               options: .regularExpression)
      Snapshot.assertMatches(text, "json/\(name).json", file: file, line: line)
    case .shape(let depth):
      Snapshot.assertMatches(try Snapshot.shape(ofJSON: r.stdout, depth: depth), "json/\(name).shape.json", file: file, line: line)
    }
  }

  func testEveryJSONOutputMatchesItsSnapshot() throws {
    let dir = try makeTempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let csv = dir.appendingPathComponent("m.csv").path
    try "arch_index,latency_ms\n1462,9.1\n0,2.5\n100,3.3\n2000,1.7\n5000,4.2\n7000,3.9\n9000,2.2\n11000,6.1\n"
      .write(toFile: csv, atomically: false, encoding: .utf8)
    let profile = dir.appendingPathComponent("device.json").path
    let predictor = OnboardingCLITests.nb201Predictor

    try check("arch-nb201", ["arch", "nb201", "--index", "3", "--json"], .text)
    try check("arch-ofa", ["arch", "ofa", "--sample", "2", "--seed", "0", "--json"], .text)
    try check("list", ["list", "--json"], .text)
    try check("predict", ["predict", "--predictor", predictor, "--index", "1462", "--index", "3", "--json"], .shape(depth: .max))
    try check("report", ["report", "--predictor", predictor, "--measurements", csv, "--out",
                         dir.appendingPathComponent("r.html").path, "--json"], .shape(depth: .max))
    try check("evaluate", ["evaluate", "--space", "ofa", "--seeds", "1", "--budget", "20", "--json"], .shape(depth: .max))
    // Measured or about the machine: which keys are present below the top level (a worst arch, a noisy reason, a
    // cache level) depends on the run, so only the top-level keys and their types are compared.
    try check("host", ["host", "--json", "--sample-seconds", "0"], .shape(depth: 1))
    try check("run", ["run", "--space", "nb201", "--index", "3", "--repeat", "2", "--warmup", "0", "--json"], .shape(depth: 1))
    try check("profile", ["profile", "--space", "nb201", "--archs", "0-1", "--out", dir.appendingPathComponent("p.csv").path,
                          "--json"] + fastProfileOptions, .shape(depth: 1))
    try check("embed", ["embed", "--out", profile, "--json"] + OnboardingCLITests.quick, .shape(depth: 1))
    // Shots from the file and references from the profile: adapt measures nothing.
    try check("adapt", ["adapt", "--profile", profile, "--measurements", csv, "--profile-references", "--shots", "5",
                        "--out", dir.appendingPathComponent("d.helpp").path, "--json"], .shape(depth: 1))
  }
}
