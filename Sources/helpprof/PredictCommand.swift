import ArgumentParser
import Foundation
import Onboarding
import Predictor
import SearchSpace
import SafeIO

/// `helpprof predict`: latency predictions from a predictor file.
struct PredictCommand: ParsableCommand, JSONOutputHelp {
  static let configuration = CommandConfiguration(
    commandName: "predict",
    abstract: "Predict latency (ms) on the adapted device for one or many architectures.",
    discussion: """
      Loads a predictor file written by `helpprof adapt` (verifying format, version, checksum, tensors and \
      search space) and prints the predicted milliseconds per forward pass on the device it was adapted to.

      Architectures: --index N (NB201 official index), --arch STR (NB201 arch string), --config TEXT (OFA \
      config text, e.g. "r=224 d=2,3,4,2,3 ks=... e=..."), --archs-file F (one per line: an index, an arch \
      string or a config; '#' comments; or a CSV with an arch_index/arch_str header), or --all (all 15,625 \
      NB201 cells). Options can be repeated and combined.

      Examples:
        helpprof predict --predictor device.helpp --index 1462
        helpprof predict --predictor device.helpp --arch \\
          '|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|'
        helpprof predict --predictor device.helpp --all --json --out all.json
      """)

  @Option(name: .long, help: "Predictor file written by `helpprof adapt`.")
  var predictor: String = "device.helpp"

  @Option(name: .long, help: "NB201 official index (repeatable).")
  var index: [Int] = []

  @Option(name: .long, help: "NB201 arch string (repeatable).")
  var arch: [String] = []

  @Option(name: .long, help: "OFA config text (repeatable).")
  var config: [String] = []

  @Option(name: .long, help: "File with one architecture per line (index, arch string or config), or a CSV.")
  var archsFile: String?

  @Flag(name: .long, help: "All 15,625 NB201 cells.")
  var all = false

  static let jsonHelp: ArgumentHelp = "Print JSON."
  @OptionGroup var output: JSONOutput<PredictCommand>

  @Flag(name: .long, help: "Print CSV: arch_index,arch_str,predicted_ms (arch_index empty for OFA configs).")
  var csv = false

  @Option(name: .long, help: "Write the predictions to this file (atomically: complete or not at all) instead of stdout.")
  var out: String?

  func run() throws {
    AdaptedPredictor.keepBatchBuffersOnHeap()
    do {
      try execute()
    } catch let e as OnboardingError {
      throw e.reported()
    }
  }

  private func execute() throws {
    guard !index.isEmpty || !arch.isEmpty || !config.isEmpty || archsFile != nil || all else {
      throw fail("nothing to predict: give --index, --arch, --config, --archs-file or --all", HelpExit.usage)
    }
    let loaded = try PredictorFile.load(path: predictor)
    let space = loaded.metadata.space
    let width = loaded.metadata.ofaWidth
    var items: [(index: Int?, arch: Arch)] = []
    func nb201Only(_ what: String) throws {
      guard space == .nb201 else { throw fail("\(what) needs an nb201 predictor; \(predictor) is for \(space.rawValue)", HelpExit.usage) }
    }
    if !index.isEmpty || all { try nb201Only(all ? "--all" : "--index") }
    for i in index {
      guard NB201Index.range.contains(i) else { throw fail("--index \(i) out of range: expected 0...15624", HelpExit.usage) }
      items.append((i, .nb201(try NB201Index.cell(at: i))))
    }
    for a in arch {
      try nb201Only("--arch")
      let cell: NB201Cell
      do { cell = try NB201Cell(archString: a) } catch { throw fail("--arch \(SearchSpaceError.quoted(a)): \(error)", HelpExit.usage) }
      items.append((NB201Index.index(of: cell), .nb201(cell)))
    }
    for c in config {
      guard space == .ofa else { throw fail("--config needs an ofa predictor; \(predictor) is for \(space.rawValue)", HelpExit.usage) }
      let parsed: OFAConfig
      do { parsed = try OFAConfig(text: c, defaultWidth: width) } catch {
        throw fail("--config \(SearchSpaceError.quoted(c)): \(error)", HelpExit.usage)
      }
      try checkWidth(parsed, want: width, "--config", HelpExit.usage)
      items.append((nil, .ofa(parsed.canonical)))
    }
    if let f = archsFile { items += try readArchsFile(f, space: space, width: width) }

    if all {
      // The batch fast path: cells straight from the index table, no text parsing.
      items.reserveCapacity(items.count + NB201Index.count)
      for (i, c) in NB201Index.allCells.enumerated() { items.append((i, .nb201(c))) }
    }
    let keys = items.map(\.arch)
    if output.json && csv { throw fail("--json and --csv: expected at most one output format", HelpExit.usage) }
    let ms = try loaded.predictMs(keys: keys)
    var out = ""
    out.reserveCapacity(items.count * 120)
    if output.json {
      // Written by hand: JSONEncoder takes longer than the prediction itself for 15,625 rows.
      out += "["
      for (n, (item, v)) in zip(items, ms).enumerated() {
        out += n == 0 ? "\n" : ",\n"
        out += "  {\"arch\": " + PredictCommand.jsonString(item.arch.text) + ", \"index\": "
          + (item.index.map(String.init) ?? "null") + ", \"predicted_ms\": " + String(v) + "}"
      }
      out += "\n]\n"
    } else if csv {
      out += "arch_index,arch_str,predicted_ms\n"
      for (item, v) in zip(items, ms) {
        out += (item.index.map(String.init) ?? "") + "," + PredictCommand.csvField(item.arch.text) + "," + String(v) + "\n"
      }
    } else {
      for (item, v) in zip(items, ms) {
        out += String(format: "%.4f ms  ", v) + (item.index.map { "\($0)  " } ?? "") + item.arch.text + "\n"
      }
    }
    if let path = self.out { try writeAtomically(Data(out.utf8), to: path) } else { StandardStreams.out(out) }
  }

  /// A CSV field (RFC 4180): quoted when it holds a comma, quote or newline (OFA config texts hold commas).
  static func csvField(_ s: String) -> String {
    guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
    return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// A JSON string literal.
  static func jsonString(_ s: String) -> String {
    if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) { return "\"" + s + "\"" }
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      default:
        if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
      }
    }
    return out + "\""
  }

  /// Reads one architecture per line (index, NB201 string or OFA config; '#' comments), or a CSV with header.
  private func readArchsFile(_ path: String, space: SpaceKind, width: OFAWidth?) throws -> [(index: Int?, arch: Arch)] {
    let text: String
    do { text = try ReadFile.text(path) } catch let e as IOFailure {
      throw fail("--archs-file \(e.description)", HelpExit.failure)
    }
    let firstLine = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
    if firstLine.contains("arch_index") || firstLine.contains("arch_str") {
      var withLatency = text
      if !firstLine.contains("latency_ms") {
        // Reuse the measurements reader: add a dummy latency column.
        withLatency = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { n, l in
          l.isEmpty ? "" : (n == 0 ? l + ",latency_ms" : l + ",1")
        }.joined(separator: "\n")
      }
      let rows = try MeasurementsCSV.parse(withLatency, source: path)
      return try rows.enumerated().map { n, r in try resolve(index: r.index, text: r.arch, space: space, width: width, where: "\(path) row \(n + 1)") }
    }
    var out: [(index: Int?, arch: Arch)] = []
    for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      if let i = Int(line) {
        out.append(try resolve(index: i, text: nil, space: space, width: width, where: "\(path) line \(n + 1)"))
      } else {
        out.append(try resolve(index: nil, text: line, space: space, width: width, where: "\(path) line \(n + 1)"))
      }
    }
    return out
  }

  /// Refuses an OFA subnet of another width than the predictor's (its encoding has no width: the predictor
  /// would answer for its own).
  private func checkWidth(_ c: OFAConfig, want: OFAWidth?, _ place: String, _ code: ExitCode) throws {
    guard let want, c.width != want else { return }
    throw fail("\(place): the subnet has width \(c.width.rawValue) but \(predictor) was adapted on width \(want.rawValue) "
               + "subnets: give w=\(want.rawValue) (or adapt a predictor on w=\(c.width.rawValue) measurements)", code)
  }

  private func resolve(index: Int?, text: String?, space: SpaceKind, width: OFAWidth?, where place: String) throws -> (index: Int?, arch: Arch) {
    switch space {
    case .nb201:
      if let t = text {
        do {
          let c = try NB201Cell(archString: t)
          return (NB201Index.index(of: c), .nb201(c))
        } catch { throw fail("\(place): '\(t.prefix(80))' is not an NB201 arch string", HelpExit.dataError) }
      }
      guard let i = index, NB201Index.range.contains(i) else {
        throw fail("\(place): index \(index ?? -1) out of range: expected 0...15624", HelpExit.dataError)
      }
      return (i, .nb201(try NB201Index.cell(at: i)))
    case .ofa:
      guard let t = text else { throw fail("\(place): OFA needs config text, not an index", HelpExit.dataError) }
      let c: OFAConfig
      do { c = try OFAConfig(text: t, defaultWidth: width) } catch {
        throw fail("\(place): '\(t.prefix(80))' is not an OFA config: \(error)", HelpExit.dataError)
      }
      try checkWidth(c, want: width, place, HelpExit.dataError)
      return (index, .ofa(c.canonical))
    }
  }
}
