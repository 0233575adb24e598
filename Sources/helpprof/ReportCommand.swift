import ArgumentParser
import Foundation
import Onboarding
import SearchSpace

/// `helpprof report`: HTML report of a predictor against measurements.
struct ReportCommand: ParsableCommand, JSONOutputHelp {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Write a self-contained HTML report: predicted vs measured latency, errors, device context.",
    discussion: """
      Predicts every architecture of --measurements (CSV with arch_index and/or arch_str and latency_ms, e.g. \
      the OUT.validation.csv of `helpprof adapt --validate K` or `helpprof profile` output) and writes one HTML \
      page with no external files: metrics (Spearman, Kendall, MAPE, share within ±10 %), a scatter of predicted \
      vs measured with the y = x line and ±10 % band, a histogram of relative errors, the largest errors and the \
      device and predictor context (CPU, settings, shots, seed, meta-predictor).

      Example:
        helpprof adapt --shots 10 --validate 100
        helpprof report --predictor device.helpp --measurements device.helpp.validation.csv --out report.html
      """)

  @Option(name: .long, help: "Predictor file written by `helpprof adapt`.")
  var predictor: String = "device.helpp"

  @Option(name: .long, help: "CSV of measured architectures (arch_index/arch_str, latency_ms).")
  var measurements: String

  @Option(name: .long, help: "HTML file to write.")
  var out: String = "report.html"

  static let jsonHelp: ArgumentHelp = "Print the metrics as JSON."
  @OptionGroup var output: JSONOutput<ReportCommand>

  func run() throws {
    do {
      try execute()
    } catch let e as OnboardingError {
      throw e.reported()
    }
  }

  private func execute() throws {
    let loaded = try PredictorFile.load(path: predictor)
    let md = loaded.metadata
    let rows = try MeasurementsCSV.read(path: measurements)
    // The same resolution as `adapt --measurements`: index/arch agreement, the predictor's OFA width,
    // identical duplicates merged (counted once), conflicting ones refused.
    let resolved = try MeasurementResolver.resolve(rows, space: md.space, ofaWidth: md.ofaWidth, source: measurements)
    let archs = resolved.map(\.arch)
    let labels = resolved.map { r in md.space == .nb201 ? "#\(r.index ?? -1) \(r.text)" : r.text }
    guard archs.count >= 2 else {
      throw OnboardingError.invalidArgument("\(measurements) has \(archs.count) distinct architectures: a report needs at least 2")
    }
    let predicted = try loaded.predictMs(keys: archs)
    let measured = resolved.map(\.latencyMs)
    let metrics = try ValidationMetrics(predicted: predicted, measured: measured)
    let p = md.provenance
    let s = p.settings
    let context: [(String, String)] = [
      ("CPU", md.host.oneLine),
      ("host", "\(md.host.hostname), \(md.host.os), kernel \(md.host.kernel), \(md.host.virtualization)"),
      ("measurement settings", "kernels \(s.kernels), \(s.threads) thread(s), batch \(s.batch)"
        + (s.dataset.map { ", dataset \($0)" } ?? "") + "; \(s.protocolSummary)"),
      ("predictor file", predictor),
      ("search space", md.space.rawValue),
      ("meta-predictor", p.metaPredictorID),
      ("shots", "\(p.shots) (\(p.shotStrategy), seed \(p.seed))"),
      ("reference architectures", "\(md.referenceArchs.count): " + md.referenceArchs.map { String($0.index) }.joined(separator: ", ")),
      ("reference latencies (ms)", md.referenceLatencyMs.map { String(format: "%.3f", $0) }.joined(separator: ", ")),
      ("adapted", "\(p.createdAt) by helpprof \(p.helpprofVersion)"),
      ("measurements", "\(measurements) (\(resolved.count) architectures"
        + (resolved.count == rows.count ? ")" : ", \(rows.count - resolved.count) duplicate rows merged)")),
      ("host warnings", md.host.warnings.isEmpty ? "none" : md.host.warnings.joined(separator: "; ")),
    ]
    let points = zip(labels, zip(predicted, measured)).map { ReportHTML.Point(label: $0, predictedMs: $1.0, measuredMs: $1.1) }
    let html = ReportHTML(title: "helpprof latency predictor report — \(md.host.cpuModel)", points: points,
                          metrics: metrics, context: context).render()
    try writeAtomically(Data(html.utf8), to: out)
    if output.json {
      try printJSON(ValidationJSON(metrics))
    } else {
      print(String(format: "wrote %@: %d archs, Spearman %.4f, MAPE %.2f %%, within ±10 %% %.1f %%",
                   out, metrics.count, metrics.spearman, metrics.mapePercent, metrics.within10Percent))
    }
  }
}
