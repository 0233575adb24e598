import ArgumentParser
import Foundation
import Predictor
import SearchSpace
import SafeIO

/// `helpprof meta-train`: meta-trains a HELP predictor on the public latency tables and writes a safetensors file.
struct MetaTrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "meta-train",
    abstract: "Meta-train a HELP latency predictor (Meta-SGD) on the public NB201/OFA latency tables.",
    discussion: """
      Reproducible from --seed. The default (honest) recipe trains on every public device except HELP's \
      meta-test devices, with log-latency targets normalised by the device's reference architectures only, \
      and the effective-cell node feature (NB201). --help-faithful reproduces HELP: its 9 (NB201) meta-train \
      devices, min-max targets, z-modulator, outer lr 1e-4. --no-meta trains the same network by plain \
      multi-task regression (no inner loop) as a baseline; it is adapted by fine-tuning.

      --extra-sources adds profiler CSVs (helpprof's own runtime configurations, profiles/pool/) as source \
      devices; --extra-share sets the share of each meta-batch drawn from them. --mix-share makes that share of \
      the tasks synthetic devices between two sources (log-latencies interpolated with a random weight), so \
      that devices between the public ones and the pool are not pulled towards either.

      Examples (the bundled models, public devices + the source-device pool; ~4–7 min and ~2 min on one core):
        helpprof meta-train --space nb201 --seed 1 --episodes 4000 \\
          --mix-share 0.5 --extra-share 0.5 \\
          --extra-sources "$(ls profiles/pool/nb201-*.csv | paste -sd,)" \\
          --references 1462,14418,14314,9550,9574,12172,4002,3138,7663,4939 \\
          --out nb201-meta.safetensors
        helpprof meta-train --space ofa --seed 1 --episodes 2000 --extra-share 0.5 \\
          --extra-sources "$(ls profiles/pool/ofa-*.csv | paste -sd,)" \\
          --out ofa-meta.safetensors
        # public devices only, for devices measured with other software
        helpprof meta-train --space nb201 --seed 1 --episodes 4000 --mix-share 0.5 \\
          --references 1462,14418,14314,9550,9574,12172,4002,3138,7663,4939 \\
          --out nb201-public.safetensors
        # a seed ensemble (K x the prediction time)
        helpprof meta-train --combine s1.safetensors,s2.safetensors,s3.safetensors \\
          --out nb201-ens3.safetensors
      """)

  @Option(help: "Search space: nb201 or ofa.") var space: SpaceArgument = .nb201
  @Option(help: "Random seed (initialisation and task sampling).") var seed: UInt64 = 1
  @Option(help: "Number of meta-training episodes (each: meta-batch devices, Adam step).") var episodes: Int?
  @Flag(help: "First-order Meta-SGD (inner gradients treated as constants).") var firstOrder = false
  @Flag(help: "HELP-faithful ablation: HELP's meta-train devices, min-max protocol, z-modulator, no live feature.")
  var helpFaithful = false
  @Flag(help: "Baseline without meta-learning: plain regression on source devices, fine-tuned at adaptation.")
  var noMeta = false
  @Option(help: "Outer (Adam) learning rate; default 1e-3 (honest) or 1e-4 (HELP-faithful).") var outerLr: Float?
  @Option(help: "Meta-batch size (devices per episode).") var metaBatch: Int = 8
  @Option(help: "Meta-SGD inner steps per task (HELP: 2; `helpprof adapt` takes twice as many).") var innerSteps: Int = 2
  @Option(help: "Random shots per task besides the references.") var shots: Int = 10
  @Option(help: "Reference architectures (comma-separated dataset indices; default: NB201 honest the bundled model's set, else HELP's 10). tools/select_references.py picks a set from the source devices only.")
  var references: String?
  @Option(help: "Datasets folder (default: profiles/datasets, searched from here and above the executable).")
  var dataDir: String?
  @Option(help: "Extra source devices (comma-separated profiler CSVs, e.g. profiles/pool/*.csv): each device of a CSV becomes one more source, trained on its measured archs only; every reference arch must be measured. Honest recipe only.")
  var extraSources: String?
  @Option(help: "With --extra-sources: share of each meta-batch drawn from the extra sources (0...1; default: all sources alike).")
  var extraShare: Double?
  @Option(help: "Share of meta-training tasks that are synthetic devices between two sources (log-latency interpolation with a random weight; 0...1, default 0 = real devices only).")
  var mixShare: Double = 0
  @Option(help: "Source devices: a named split's train devices (\(DeviceSplit.names.joined(separator: ", "))); its test devices are never read.")
  var split: String?
  @Option(help: "Source devices: exactly these public devices (comma-separated).") var trainDevices: String?
  @Option(help: "Leave these public devices out of the sources (comma-separated).") var excludeDevices: String?
  @Option(help: "Output file.") var out: String?
  @Option(help: "Instead of training: combine these meta-predictor files (comma-separated, trained alike with different seeds) into one ensemble file.")
  var combine: String?

  func run() throws {
    if let combine { return try combineModels(combine) }
    let kind = try space.resolved()
    guard episodes.map({ $0 > 0 }) ?? true else { throw fail("--episodes must be positive") }
    guard metaBatch > 0, shots >= 0 else { throw fail("--meta-batch must be > 0 and --shots ≥ 0") }
    guard (1...16).contains(innerSteps) else { throw fail("--inner-steps \(innerSteps): expected 1...16") }
    try requireInRange("--episodes", episodes ?? 1, 1...1_000_000)
    try requireInRange("--meta-batch", metaBatch, 1...1024)
    try requireInRange("--shots", shots, 0...10_000)
    if let lr = outerLr { try requireFinite("--outer-lr", lr, in: 1e-8...1) }
    if let share = extraShare { try requireFinite("--extra-share", share, in: 0...1) }
    try requireFinite("--mix-share", mixShare, in: 0...1)
    // Checked before training, not after minutes of it.
    if let out { try requireWritable("--out", out) }
    var data: LatencyDataset
    do { data = try LatencyDataset(space: kind, directory: try LatencyDataset.locate(explicit: dataDir)) } catch {
      throw fail("\(error)", HelpExit.dataError)
    }
    var o = MetaTrainingOptions()
    o.seed = seed
    o.firstOrder = firstOrder
    o.metaBatch = metaBatch
    o.shots = shots
    o.innerSteps = innerSteps
    o.references = kind == .nb201 && !helpFaithful ? MetaPredictor.defaultNB201References : data.helpReferences
    if let r = references {
      let parts = r.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      let idx = parts.compactMap { Int($0) }
      guard idx.count == parts.count, !idx.isEmpty, idx.allSatisfy({ (0..<data.archCount).contains($0) }), Set(idx).count == idx.count else {
        throw fail("--references \(r): expected distinct comma-separated arch indices in 0..<\(data.archCount)")
      }
      o.references = idx
    }
    o.protocolKind = helpFaithful ? .help : .honest
    o.sources = helpFaithful ? data.metaTrain : data.devices.filter { !data.metaTest.contains($0) }
    var heldOut = data.metaTest
    do {
      if let name = split {
        let s = try DeviceSplit.named(name, data: data)
        o.sources = s.train
        heldOut = s.test
      }
      if let list = trainDevices {
        o.sources = try Self.deviceList(list, data: data, option: "--train-devices")
        heldOut = data.devices.filter { !o.sources.contains($0) }
      }
      if let list = excludeDevices {
        let ex = try Self.deviceList(list, data: data, option: "--exclude-devices")
        o.sources = o.sources.filter { !ex.contains($0) }
        heldOut = Array(Set(heldOut).union(ex)).sorted()
      }
    } catch { throw fail("\(error)") }
    guard !o.sources.isEmpty else { throw fail("no source devices left after --split/--train-devices/--exclude-devices") }
    // σ prior (issue #13): median over the public source devices of the std of ln-latency over the whole space.
    if !helpFaithful {
      o.sigmaPrior = DeviceNormaliser.sigmaPrior(lnColumns: try o.sources.map { d in
        try data.latencies(device: d).map { $0 > 0 ? Foundation.log($0) : .nan }
      })
    }
    var extraNote: [String] = []
    if let list = extraSources {
      guard !helpFaithful else { throw fail("--extra-sources works with the honest recipe only, not --help-faithful") }
      let extra: [TargetDevice]
      do {
        let found = try ExtraSources.read(list: list, data: data, references: o.references)
        extra = found.map(\.device)
        extraNote = found.map { "\($0.device.name)=\(($0.file as NSString).lastPathComponent)(\($0.device.latency.filter { $0 != nil }.count) archs)" }
      } catch { throw fail("\(error)", HelpExit.dataError) }
      do { data = try data.adding(extra) } catch { throw fail("\(error)", HelpExit.dataError) }
      o.sources += extra.map(\.name)
      o.extraSourceCount = extra.count
    }
    if let share = extraShare {
      guard extraSources != nil else { throw fail("--extra-share needs --extra-sources") }
      guard (0...1).contains(share) else { throw fail("--extra-share \(share): expected a number in 0...1") }
      o.extraShare = share
    }
    guard (0...1).contains(mixShare) else { throw fail("--mix-share \(mixShare): expected a number in 0...1") }
    o.mixShare = mixShare
    o.outerLearningRate = outerLr ?? (helpFaithful ? 1e-4 : 1e-3)
    o.episodes = episodes ?? 2000
    if noMeta { o.innerSteps = 0 }
    let config = NetworkConfig(space: kind, liveFeature: kind == .nb201 && !helpFaithful, hwDim: o.references.count,
                               zModulator: helpFaithful)
    let recipeName = helpFaithful ? "help-faithful" : (noMeta ? "no-meta" : "honest")
    let modelName = "\(kind.rawValue)-\(recipeName)\(extraNote.isEmpty ? "" : "-pool")-seed\(seed)"
    let path = out ?? "\(modelName).safetensors"
    try requireWritable("--out", path)
    let trainer = try MetaTrainer(data: data, config: config, options: o)
    let start = Date()
    var last = start
    try trainer.train { ep, loss in
      let now = Date()
      if now.timeIntervalSince(last) > 2 || ep == o.episodes {
        last = now
        let el = now.timeIntervalSince(start)
        let rate = Double(ep) / max(el, 1e-9)
        let eta = Double(o.episodes - ep) / max(rate, 1e-9)
        StandardStreams.err(String(format: "\rmeta-train %@ %d/%d episodes  query loss %.4f  %.2f ep/s  ETA %.0fs ",
                                   kind.rawValue, ep, o.episodes, loss, rate, eta))
      }
    }
    StandardStreams.err("\n")
    let seconds = Date().timeIntervalSince(start)
    var md: [String: String] = [
      "kind": "helpprof-meta-predictor", "name": modelName, "space": kind.rawValue,
      "recipe": recipeName, "normalisation": o.protocolKind.recipe.rawValue,
      "data": "profiles/datasets (HELP HayeonLee/HELP 45f70eb, MIT; HW-NAS-Bench)",
      "split": "sources: \(o.sources.joined(separator: ",")); held out\(split.map { " (\($0))" } ?? (trainDevices == nil && excludeDevices == nil ? " (HELP meta-test)" : "")): \(heldOut.joined(separator: ","))",
      "seed": String(seed), "command": "helpprof " + CommandLine.arguments.dropFirst().joined(separator: " "),
      "reference_archs": o.references.map(String.init).joined(separator: ","),
      "reference_arch_texts": o.references.map { MetaPredictor.text(data.archs[$0]) }.joined(separator: ";"),
      "live_feature": String(config.liveFeature), "z_modulator": String(config.zModulator), "hidden": String(config.hidden),
      "inner_steps": String(noMeta ? 0 : o.innerSteps), "adaptation": noMeta ? "adam-finetune" : "meta-sgd",
      "hyperparameters": "episodes=\(o.episodes) meta_batch=\(o.metaBatch)\(o.extraShare.map { " extra_share=\($0)" } ?? "")\(o.mixShare > 0 ? " mix_share=\(o.mixShare)" : "") shots=\(o.shots) query=\(o.queryCount) inner_steps=\(o.innerSteps) outer_lr=\(o.outerLearningRate) inner_lr_init=\(o.initialInnerLearningRate) first_order=\(o.firstOrder) kl_weight=\(o.klWeight)",
      "train_seconds": String(format: "%.1f", seconds),
    ]
    if noMeta { md["inner_steps"] = "0" }
    if o.sigmaPrior > 0 { md["norm_sigma_prior"] = String(o.sigmaPrior) }
    if !extraNote.isEmpty { md["extra_sources"] = extraNote.joined(separator: "; ") }
    let model = try trainer.exportModel(metadata: md)
    do { try model.save(to: path) } catch { throw fail("cannot write \(path): \(error)", HelpExit.failure) }
    print("wrote \(path) (\(String(format: "%.1f", seconds)) s, \(o.episodes) episodes)")
  }

  /// Comma-separated public device names of `data`, each checked.
  static func deviceList(_ list: String, data: LatencyDataset, option: String) throws -> [String] {
    let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard !names.isEmpty else { throw PredictorError("\(option) '\(list)': expected comma-separated device names") }
    for n in names where !data.devices.contains(n) {
      throw PredictorError("\(option): unknown device '\(n)': expected one of \(data.devices.joined(separator: ", "))")
    }
    return names
  }

  /// `--combine`: writes an ensemble of existing meta-predictor files.
  private func combineModels(_ list: String) throws {
    let paths = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard paths.count >= 2 else { throw fail("--combine \(list): expected at least two comma-separated files") }
    guard let path = out else { throw fail("--combine needs --out FILE") }
    let models: [MetaPredictor]
    do { models = try paths.map { try MetaPredictor.load(path: $0) } } catch { throw fail("\(error)", HelpExit.dataError) }
    var md = models[0].metadata
    md["name"] = (md["name"] ?? "model") + "-ensemble\(models.count)"
    md["recipe"] = (md["recipe"] ?? "") + " (ensemble of \(models.count) seeds)"
    md["command"] = "helpprof " + CommandLine.arguments.dropFirst().joined(separator: " ")
    md["member_commands"] = models.map { $0.metadata["command"] ?? "?" }.joined(separator: " ;; ")
    md["seed"] = models.map { $0.metadata["seed"] ?? "?" }.joined(separator: ",")
    md["train_seconds"] = models.map { $0.metadata["train_seconds"] ?? "?" }.joined(separator: ",")
    let ensemble: MetaPredictor
    do { ensemble = try MetaPredictor.ensemble(models, metadata: md) } catch { throw fail("\(error)", HelpExit.dataError) }
    do { try ensemble.save(to: path) } catch { throw fail("cannot write \(path): \(error)", HelpExit.failure) }
    print("wrote \(path) (ensemble of \(models.count) meta-predictors)")
  }
}
