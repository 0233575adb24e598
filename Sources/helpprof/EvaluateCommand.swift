import ArgumentParser
import Foundation
import Onboarding
import Predictor
import SearchSpace
import TensorFile

/// `helpprof evaluate`: few-shot accuracy of a meta-predictor on HELP's meta-test devices (or a given device),
/// with MACs and ridge baselines on the same measurement draws.
struct EvaluateCommand: ParsableCommand, JSONOutputHelp {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Evaluate a meta-predictor's few-shot accuracy on unseen devices (Spearman, Kendall, MAPE, ±10 %).",
    discussion: """
      honest protocol: the target device contributes only --budget measurements = the model's reference \
      architectures (hardware embedding) + (budget − refs) random shots drawn outside HELP's query pool; the \
      support for adaptation is refs + shots. help protocol: HELP's published protocol (min–max constants from \
      the device's 720 trimmed training-pool latencies, --shots random support archs from that pool).
      Evaluation set: HELP's query set (arch indices 900..1899 of the space's list minus the device's 10 %/90 % \
      latency tails = 800 archs, minus measured ones); `spearman_all` is on every arch except the measured ones. \
      Baselines: MACs (rank of MACs, ms from a linear fit on the measured archs) and ridge regression of \
      log-latency on the source devices' log-latencies (λ = 1) fitted on the measured archs.

      Example:
        helpprof evaluate --space nb201 --split help --protocol honest --budget 20 --seeds 5 --json
      """)

  @Option(help: "Search space: nb201 or ofa.") var space: SpaceArgument = .nb201
  @Option(help: "Device split: help (HELP's meta-test devices, sources = every other public device) or a family split (NB201: gpus-to-others, phones-cpus-to-gpus, batch1-to-large-batch; pass a --model meta-trained with `meta-train --split` of the same name). Targets = the split's test devices, ridge sources = its train devices.")
  var split: String = "help"
  @Option(help: "Reference archs to treat as not measured (comma-separated dataset indices); they are imputed by ridge through the source devices, and their budget goes to shots.")
  var missingReferences: String?
  @Option(help: "Another reference set (comma-separated dataset indices, e.g. from tools/select_references.py): measured first on every target instead of the model's references, which are imputed from it and the shots; counts in --budget.")
  var measuredReferences: String?
  @Option(help: "Random shots (help protocol; honest default budget = refs + shots).") var shots: Int = 10
  @Option(help: "Seeds (independent measurement draws).") var seeds: Int = 5
  @Option(name: .customLong("protocol"), help: "honest or help.") var protocolName: String = "honest"
  @Option(help: "Total target measurements per device (honest).") var budget: Int?
  @Option(help: "Meta-predictor file (default: the bundled one for the space).") var model: String?
  @Option(help: "CSV source,device,dataset,arch_index,arch_str,latency_ms of a device to evaluate.") var latencyCsv: String?
  @Option(help: "Device name in --latency-csv.") var device: String?
  @Option(help: "Adaptation steps (default: as `helpprof adapt` does, 2 × the meta-trained steps; help protocol: the meta-trained steps; no-meta models: 50 Adam steps).") var steps: Int?
  @Option(help: "Datasets folder (default profiles/datasets).") var dataDir: String?
  @Option(help: "Extra source devices for the ridge baseline (comma-separated profiler CSVs, e.g. profiles/pool/*.csv); a device evaluated is never its own source.")
  var extraSources: String?
  @Option(help: "How the honest protocol picks the shots besides the references: random (HELP), macs (one per MACs stratum) or predicted (one per stratum of the zero-shot prediction from the references).")
  var shotSelection: String = "random"
  @Option(help: "Custom split: target devices (comma-separated public device names) instead of --split's; pass --train-devices too (and a --model meta-trained without the targets, e.g. `meta-train --exclude-devices`).")
  var testDevices: String?
  @Option(help: "Custom split: ridge source devices (comma-separated public device names), with --test-devices.")
  var trainDevices: String?
  @Flag(help: "Also score every blend rule (NB201: loo, loo-plain, half, thirds, simplex, loo-meta-first, loo-rank) as methods final:<rule> on the same draws, and (honest protocol) final:loo-reimputed, loo on LOO predictions whose left-out reference is re-imputed in the embedding, and final:loo-lambda, loo with each ridge's λ (0.01, 0.1, 1, 10) chosen by its own LOO (validation of the final rule; `final` is loo).")
  var compareBlendRules = false
  static let jsonHelp: ArgumentHelp = "Print JSON."
  @OptionGroup var output: JSONOutput<EvaluateCommand>

  /// The split of `--test-devices`/`--train-devices`, nil without them. Every name must be one of the public
  /// `devices`, and no target may be a source.
  func customSplit(_ devices: [String], space: SpaceKind) throws -> (train: [String], test: [String])? {
    guard testDevices != nil || trainDevices != nil else { return nil }
    guard let testList = testDevices, let trainList = trainDevices else {
      throw fail("--test-devices and --train-devices go together")
    }
    func names(_ list: String, _ option: String) throws -> [String] {
      let parts = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      guard !parts.isEmpty else { throw fail("\(option) '\(list)': expected comma-separated device names") }
      for d in parts where !devices.contains(d) {
        throw fail("\(option): device \(d) is not in the public \(space.rawValue) data (expected one of \(devices.joined(separator: ", ")))")
      }
      return parts
    }
    let test = try names(testList, "--test-devices"), train = try names(trainList, "--train-devices")
    if let both = test.first(where: train.contains) { throw fail("--test-devices: \(both) is also in --train-devices") }
    return (train, test)
  }

  func run() throws {
    let kind = try space.resolved()
    guard DeviceSplit.names.contains(split) else { throw fail("--split \(split): expected one of \(DeviceSplit.names.joined(separator: ", "))") }
    guard let proto = EvaluationProtocol(rawValue: protocolName) else { throw fail("--protocol \(protocolName): expected honest or help") }
    guard seeds > 0, shots >= 0 else { throw fail("--seeds must be > 0 and --shots ≥ 0") }
    guard (latencyCsv == nil) == (device == nil) else { throw fail("--latency-csv and --device go together") }
    if let m = model, let hint = FileKind.wrongKindHint(m, expected: "a meta-predictor file") {
      throw fail("--model \(m): \(hint)", HelpExit.dataError)
    }
    var data: LatencyDataset
    let meta: MetaPredictor
    var sources: [String]
    var publicDevices: [String] = []
    do {
      data = try LatencyDataset(space: kind, directory: try LatencyDataset.locate(explicit: dataDir))
      publicDevices = data.devices
      meta = try model.map { try MetaPredictor.load(path: $0) } ?? MetaPredictor.loadBundled(space: kind)
      sources = try DeviceSplit.named(split, data: data).train
      if let list = extraSources {
        let extra = try ExtraSources.read(list: list, data: data, references: []).map(\.device)
        data = try data.adding(extra)
        sources += extra.map(\.name)
      }
    } catch TensorFileError.io(let path, let reason) {
      throw fail("cannot read \(path): \(reason)", HelpExit.failure)  // a missing or unreadable file is not bad data
    } catch { throw fail("\(error)", HelpExit.dataError) }
    let custom = try customSplit(publicDevices, space: kind)
    if let c = custom { sources = c.train + sources.filter { !publicDevices.contains($0) } }
    let b = budget ?? (meta.referenceIndices.count + shots)
    if let n = steps { try requireInRange("--steps", n, Limits.adaptationSteps, "the bundled models adapt in 4") }
    try requireInRange("--seeds", seeds, 1...1000)
    try requireInRange("--shots", shots, 0...data.archCount)
    try requireInRange("--budget", b, 1...data.archCount, "the \(kind.rawValue) data has \(data.archCount) architectures")
    guard let strategy = ShotStrategy(rawValue: shotSelection) else {
      throw fail("--shot-selection \(shotSelection): expected random, macs or predicted")
    }
    var ev: Evaluator
    do { ev = try Evaluator(data: data, model: meta, protocolKind: proto, budget: b, shots: shots, ridgeSources: sources) } catch {
      throw fail("\(error)")
    }
    // Honest protocol: adapt exactly as `helpprof adapt` does (AdaptFlow's step rule), so the figures describe the
    // product. HELP's protocol keeps the meta-trained step count, as HELP did.
    ev.steps = steps ?? (proto == .honest ? AdaptFlow.adaptationSteps(for: meta) : nil)
    ev.shotStrategy = strategy
    ev.compareBlendRules = compareBlendRules
    if let list = missingReferences {
      let parts = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      let idx = parts.compactMap { Int($0) }
      guard idx.count == parts.count, !idx.isEmpty, idx.allSatisfy(meta.referenceIndices.contains) else {
        throw fail("--missing-references \(list): expected comma-separated reference archs of the model (\(meta.referenceIndices.map(String.init).joined(separator: ",")))")
      }
      ev.missingReferences = Set(idx)
    }
    if let list = measuredReferences {
      let parts = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      let idx = parts.compactMap { Int($0) }
      guard idx.count == parts.count, !idx.isEmpty, Set(idx).count == idx.count,
            idx.allSatisfy({ (0..<data.archCount).contains($0) }), idx.count <= b else {
        throw fail("--measured-references \(list): expected up to --budget \(b) distinct comma-separated dataset indices in 0..<\(data.archCount)")
      }
      guard proto == .honest else { throw fail("--measured-references needs --protocol honest") }
      ev.measuredInstead = idx
    }
    var targets: [TargetDevice] = []
    if let csv = latencyCsv, let name = device {
      do { targets = [try LatencyTable.read(csv: csv, device: name, data: data)] } catch { throw fail("\(error)", HelpExit.dataError) }
    } else {
      let test = try custom?.test ?? DeviceSplit.named(split, data: data).test
      targets = try test.map { TargetDevice(name: $0, latency: try data.latencies(device: $0).map { Optional($0) }) }
    }
    if proto == .honest {
      // The shots are drawn from the device's measured archs outside the references and the evaluation set.
      let refSet = Set(meta.referenceIndices), querySet = Set(data.queryPool)
      for t in targets {
        let full = !t.latency.contains { $0 == nil }
        let pool = t.latency.indices.filter { t.latency[$0] != nil && !refSet.contains($0) && (!full || !querySet.contains($0)) }
        let most = meta.referenceIndices.count + pool.count
        guard b <= most else {
          throw fail("--budget \(b): device \(t.name) has \(pool.count) measured architectures outside the references and "
                     + "the evaluation set, so the budget is at most \(most)", HelpExit.usage)
        }
      }
    }
    var per: [String: [String: [SeedMetrics]]] = [:]  // method → device → seeds
    var choices: [AdaptationChoice] = []
    for t in targets {
      var weights: [Double] = [], clampedMeta = 0, clampedFinal = 0, imputed: [Int] = []
      for s in 0..<seeds {
        let r: Evaluator.Outcome
        do { r = try ev.evaluateDetailed(t, seed: UInt64(s)) } catch { throw fail("\(error)", HelpExit.dataError) }
        for (m, v) in r.metrics { per[m, default: [:]][t.name, default: []].append(v) }
        weights.append(r.metaWeight)
        clampedMeta += r.clampedMeta
        clampedFinal += r.clampedFinal
        imputed = r.imputed
      }
      choices.append(AdaptationChoice(device: t.name, metaWeights: weights, clampedMeta: clampedMeta,
                                      clampedFinal: clampedFinal, imputedReferences: imputed))
    }
    // Time of predicting the whole dataset list once with an adapted predictor (first device, its references).
    var predictSeconds = 0.0
    if let t = targets.first {
      let sup = meta.referenceIndices.compactMap { i in t.latency[i].map { (arch: data.archs[i], latencyMs: $0) } }
      if sup.count == meta.referenceIndices.count, meta.recipe == .logRef, let a = try? meta.adapt(measurements: sup) {
        let t0 = Date()
        _ = try? a.predictMs(data.archs)
        predictSeconds = Date().timeIntervalSince(t0)
      }
    }
    let names = targets.map(\.name)
    var report = EvaluationReport(
      protocolName: proto.rawValue, space: kind.rawValue, model: meta.metadata["name"] ?? (model ?? "bundled"),
      shots: proto == .honest ? b - meta.referenceIndices.count : shots, budget: b,
      measurementsPerDevice: ev.measurementsPerDevice, seeds: seeds,
      evaluationSet: latencyCsv == nil ? "help-query-800 (indices \(data.queryPool.lowerBound)..<\(data.queryPool.upperBound), 10/90% tails removed, measured removed)" : "all measured archs of the device except the measured support",
      predictor: MethodSummary(per["predictor"] ?? [:], devices: names),
      baselines: ["ridge": MethodSummary(per["ridge"] ?? [:], devices: names),
                  "macs": MethodSummary(per["macs"] ?? [:], devices: names),
                  "predictor+ridge": MethodSummary(per["predictor+ridge"] ?? [:], devices: names),
                  "final": MethodSummary(per["final"] ?? [:], devices: names)],
      predictAllSeconds: predictSeconds, archCount: data.archCount)
    if compareBlendRules {
      for rule in BlendRule.allCases { report.baselines["final:" + rule.rawValue] = MethodSummary(per["final:" + rule.rawValue] ?? [:], devices: names) }
      for extra in ["final:loo-reimputed", "final:loo-lambda"] {
        if let p = per[extra] { report.baselines[extra] = MethodSummary(p, devices: names) }
      }
    }
    report.shotSelection = strategy.rawValue
    report.split = testDevices == nil ? split : "custom"
    report.adaptation = choices
    if output.json { try printJSON(report) } else { report.printTable() }
  }
}
