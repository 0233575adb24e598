import ArgumentParser
import Foundation
import SearchSpace

/// `helpprof arch`: look up, parse, validate and size architectures of the two search spaces.
struct ArchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "arch",
    abstract: "Describe an NB201 cell or OFA MobileNetV3 subnet: canonical form, connectivity, MACs, params, encoding.",
    discussion: """
      NB201 cells are named by their official index 0...15624 (the order NAS-Bench-201, HW-NAS-Bench and \
      HELP use) or by their arch string. OFA subnets are one line of key=value items: \
      r=224 w=1.0 d=<5 depths> ks=<20 kernel sizes> e=<20 expand ratios>.

      Examples:
        helpprof arch nb201 --index 11472
        helpprof arch nb201 --arch \\
          '|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|'
        helpprof arch ofa --sample 3 --seed 7 --width 1.2 --json

      Bad input (unknown op, index out of range, wrong list length, resolution off the grid) exits with 64.
      """,
    subcommands: [NB201.self, OFA.self])
}

extension ArchCommand {
  /// `helpprof arch nb201`.
  struct NB201: ParsableCommand, JSONOutputHelp {
    static let configuration = CommandConfiguration(
      commandName: "nb201",
      abstract: "Show one NAS-Bench-201 cell: index, arch string, ops, connectivity, live edges, MACs, params.",
      discussion: """
        Give exactly one of --index or --arch. MACs count conv and linear multiply-accumulates (NB201's \
        "FLOPs"); params include BN gamma/beta. Live edges are those a pruning runtime keeps: not `none`, fed \
        from the input and reaching the output; "live only" leaves the others out. The PyTorch reference runs \
        all six edges of every cell.

        Examples:
          helpprof arch nb201 --index 1462
          helpprof arch nb201 --index 1 --dataset ImageNet16-120 --json
        """)

    @Option(name: .long, help: "NB201 index, 0...15624.")
    var index: String?

    @Option(name: .long, help: "NB201 arch string |op~0|+|op~0|op~1|+|op~0|op~1|op~2|.")
    var arch: String?

    @Option(name: .long, help: "cifar10, cifar100 or ImageNet16-120 (fixes input size and classes).")
    var dataset = NB201Dataset.cifar10.rawValue

    static let jsonHelp: ArgumentHelp = "Print JSON instead of text."
    @OptionGroup var output: JSONOutput<NB201>

    func run() throws {
      guard let dataset = NB201Dataset(rawValue: dataset) else {
        throw fail("dataset '\(self.dataset)' is unknown: expected cifar10, cifar100 or ImageNet16-120")
      }
      let cell: NB201Cell
      do {
        switch (index, arch) {
        case let (text?, nil):
          guard let i = Int(text) else {
            throw fail("index \(SearchSpaceError.quoted(text)) is not an integer: expected 0...15624")
          }
          cell = try NB201Index.cell(at: i)
        case let (nil, text?):
          cell = try NB201Cell(archString: text)
        case (nil, nil):
          throw fail("no architecture given: expected --index N or --arch STRING")
        case (_?, _?):
          throw fail("both --index and --arch given: expected exactly one")
        }
      } catch let error as SearchSpaceError {
        throw fail(error.message)
      }
      let report = NB201Report(cell: cell, dataset: dataset)
      if output.json { try printJSON(report) } else { print(report.text) }
    }
  }

  /// `helpprof arch ofa`.
  struct OFA: ParsableCommand, JSONOutputHelp {
    static let configuration = CommandConfiguration(
      commandName: "ofa",
      abstract: "Validate or sample OFA MobileNetV3 subnets and show their MACs, params and HELP encoding.",
      discussion: """
        Give exactly one of --config (one subnet, text form or JSON) or --sample K (K seeded uniform subnets: \
        every slot gets a kernel size and expand ratio, each stage a depth in {2,3,4}, r uniform on \
        128...224 step 4). Text form: r=224 w=1.0 d=<5 depths 2|3|4> ks=<20 of 3|5|7> e=<20 of 3|4|6>, \
        comma-separated lists, w optional (default 1.0); slots beyond a stage's depth are inactive but still \
        listed. MACs follow OFA's counter (conv/linear only); params include BN and biases. The encoding is \
        HELP's 145 floats: kernel one-hots (60), expand one-hots (60), resolution one-hot (25), inactive \
        blocks all zero.

        Examples:
          helpprof arch ofa --sample 5 --seed 42 --json
          C='r=224 d=2,2,2,3,3'
          C="$C ks=3,3,5,7,3,3,5,3,7,7,3,7,3,7,5,5,3,3,5,5"
          C="$C e=3,3,4,3,6,4,3,4,6,4,6,6,6,4,4,6,6,6,6,3"
          helpprof arch ofa --width 1.2 --config "$C"
        """)

    @Option(name: .long, help: "One subnet: 'r=224 w=1.0 d=... ks=... e=...' or an OFAConfig JSON object.")
    var config: String?

    @Option(name: .long, help: "Number of random subnets to draw (1...100000).")
    var sample: Int?

    @Option(name: .long, help: "Seed of the sampler (SplitMix64).")
    var seed: UInt64 = 0

    /// `--sample`'s width when `--width` is not given: 1.2, the width of the profiles, the bundled OFA
    /// meta-predictor and `adapt`'s candidate pool, so sampled subnets can be predicted as they are.
    static let defaultSampleWidth = OFAWidth.w12

    @Option(name: .long, help: "Width multiplier 1.0 or 1.2 (for --sample, default 1.2 like the profiles and predictors; and for --config text without w=).")
    var width: String?

    static let jsonHelp: ArgumentHelp = "Print JSON instead of text."
    @OptionGroup var output: JSONOutput<OFA>

    func run() throws {
      var configs: [OFAConfig]
      do {
        let width = try self.width.map { try OFAWidth(parsing: $0) }
        switch (config, sample) {
        case let (text?, nil):
          configs = [try Self.parseConfig(text, width: width)]
        case let (nil, count?):
          guard (1...100_000).contains(count) else {
            throw fail("--sample \(count) out of range: expected 1...100000")
          }
          configs = OFAConfig.sample(count: count, seed: seed, width: width ?? Self.defaultSampleWidth)
        case (nil, nil):
          throw fail("no subnet given: expected --config TEXT or --sample K")
        case (_?, _?):
          throw fail("both --config and --sample given: expected exactly one")
        }
      } catch let error as SearchSpaceError {
        throw fail(error.message)
      }
      let reports = try configs.map { config -> OFAReport in
        do { return try OFAReport(config: config) } catch let error as SearchSpaceError { throw fail(error.message) }
      }
      if output.json {
        if sample != nil { try printJSON(reports) } else if let one = reports.first { try printJSON(one) }
      } else {
        print(reports.map(\.text).joined(separator: "\n\n"))
      }
    }

    /// Parses text form or JSON; `--width` fills in a missing width and must agree with a given one.
    static func parseConfig(_ text: String, width: OFAWidth?) throws -> OFAConfig {
      let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
      if trimmed.hasPrefix("{") {
        let decoded: OFAConfig
        do {
          decoded = try JSONDecoder().decode(OFAConfig.self, from: Data(trimmed.utf8))
        } catch {
          throw fail("--config JSON is not an OFA config (\(describe(error))): expected keys ks, e, d, resolution "
            + "(or r) and optional width")
        }
        if let width, width != decoded.width {
          throw fail("--width \(width.rawValue) disagrees with the config's width \(decoded.width.rawValue)")
        }
        return try decoded.validated()
      }
      var config = try OFAConfig(text: trimmed)
      let givesWidth = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).contains { $0.hasPrefix("w=") }
      if let width {
        if givesWidth && width != config.width {
          throw fail("--width \(width.rawValue) disagrees with w=\(config.width.rawValue) in --config")
        }
        config.width = width
      }
      return config
    }
  }
}

/// What `arch nb201` prints.
struct NB201Report: Encodable {
  let index: Int
  let arch: String
  let dataset: String
  let ops: [String]
  let codes: [Int]
  let baseIndex: Int
  let connected: Bool
  let liveEdges: [Bool]
  let macs: Int
  let params: Int
  let liveMACs: Int
  let liveParams: Int

  init(cell: NB201Cell, dataset: NB201Dataset) {
    index = cell.nb201Index
    arch = cell.archString
    self.dataset = dataset.rawValue
    ops = cell.ops.map(\.name)
    codes = cell.codes
    baseIndex = NB201Index.baseIndex(of: cell)
    connected = cell.isOutputConnected
    liveEdges = cell.liveEdges
    let all = NB201Cost(cell: cell, dataset: dataset)
    let live = NB201Cost(cell: cell, dataset: dataset, liveOnly: true)
    macs = all.macs
    params = all.params
    liveMACs = live.macs
    liveParams = live.params
  }

  var text: String {
    let edges = NB201Cell.edges.enumerated().map { k, e in
      "  e\(k) \(e.to)<-\(e.from)  \(ops[k].padding(toLength: 13, withPad: " ", startingAt: 0))"
        + (liveEdges[k] ? "live" : "dead")
    }
    return ([
      "NB201 index \(index) on \(dataset)",
      "arch:       \(arch)",
      "digits:     \(codes.map(String.init).joined()) (base-5 index \(baseIndex))",
      "connected:  \(connected ? "yes" : "no (output is always zero)")",
      "edges:",
    ] + edges + [
      "MACs:       \(grouped(macs)) (\(mega(macs)) M)",
      "params:     \(grouped(params)) (\(mega(params, digits: 3)) M)",
      "live only:  \(grouped(liveMACs)) MACs, \(grouped(liveParams)) params (what a pruning runtime runs)",
    ]).joined(separator: "\n")
  }
}

/// What `arch ofa` prints for one subnet.
struct OFAReport: Encodable {
  let config: OFAConfig
  let text: String
  let activeBlocks: Int
  let macs: Int
  let params: Int
  let encoding: [Float]

  init(config: OFAConfig) throws {
    let cost = try config.cost()
    self.config = config.canonical  // one text per network: inactive slots canonicalised
    activeBlocks = config.activeBlockCount
    macs = cost.macs
    params = cost.params
    encoding = config.helpEncoding
    text = [
      "config:     \(self.config.text)",
      "blocks:     \(activeBlocks) MBConv (S0 + depths \(config.d.map(String.init).joined(separator: ",")))",
      "MACs:       \(grouped(cost.macs)) (\(mega(cost.macs)) M)",
      "params:     \(grouped(cost.params)) (\(mega(cost.params, digits: 3)) M)",
      "encoding:   ks \(bits(encoding[0..<60]))",
      "            e  \(bits(encoding[60..<120]))",
      "            r  \(encoding[120..<145].map { $0 == 0 ? "0" : "1" }.joined())",
    ].joined(separator: "\n")
  }

  enum CodingKeys: String, CodingKey { case config, text, activeBlocks, macs, params, encoding }

  func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(config, forKey: .config)
    try c.encode(config.text, forKey: .text)
    try c.encode(activeBlocks, forKey: .activeBlocks)
    try c.encode(macs, forKey: .macs)
    try c.encode(params, forKey: .params)
    try c.encode(encoding.map { Int($0) }, forKey: .encoding)
  }
}

/// A one-line reason for a JSON decoding failure.
private func describe(_ error: Error) -> String {
  let line: String
  switch error {
  case DecodingError.keyNotFound(let key, _): line = "missing key '\(key.stringValue)'"
  case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx), DecodingError.dataCorrupted(let ctx):
    let path = ctx.codingPath.map(\.stringValue).joined(separator: ".")
    line = (path.isEmpty ? "" : "at '\(path)': ") + ctx.debugDescription
  default: line = "\(error)"
  }
  return line.split(whereSeparator: \.isNewline).joined(separator: " ")
}

/// 78561930 → "78,561,930".
private func grouped(_ n: Int) -> String {
  let digits = String(n.magnitude)
  var out = ""
  for (i, ch) in digits.enumerated() {
    if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
    out.append(ch)
  }
  return (n < 0 ? "-" : "") + out
}

/// 78561930 → "78.56".
private func mega(_ n: Int, digits: Int = 2) -> String { String(format: "%.\(digits)f", Double(n) / 1e6) }

/// One-hot triplets as "100 010 000 …".
private func bits(_ values: ArraySlice<Float>) -> String {
  let s = values.map { $0 == 0 ? "0" : "1" }
  return stride(from: 0, to: s.count, by: 3).map { s[$0..<min($0 + 3, s.count)].joined() }.joined(separator: " ")
}
