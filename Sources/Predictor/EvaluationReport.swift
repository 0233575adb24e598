import Foundation
import SearchSpace

/// Per-device metrics, mean ± std over seeds.
public struct DeviceSummary: Encodable {
  public let device: String
  public let spearman: Double, spearmanStd: Double, kendall: Double, mape: Double, within10: Double, spearmanAll: Double
  enum CodingKeys: String, CodingKey {
    case device, spearman, kendall, mape, within10
    case spearmanStd = "spearman_std", spearmanAll = "spearman_all"
  }
}

/// Summary of one method over devices and seeds.
public struct MethodSummary: Encodable {
  public let meanSpearman: Double, stdSpearman: Double, worstSpearman: Double, worstDevice: String
  public let meanKendall: Double, meanMape: Double, meanWithin10: Double, meanSpearmanAll: Double
  public let devices: [DeviceSummary]
  enum CodingKeys: String, CodingKey {
    case devices
    case meanSpearman = "mean_spearman", stdSpearman = "std_spearman", worstSpearman = "worst_spearman"
    case worstDevice = "worst_device", meanKendall = "mean_kendall", meanMape = "mean_mape"
    case meanWithin10 = "mean_within10", meanSpearmanAll = "mean_spearman_all"
  }

  /// `runs[device][seed]`; mean over seeds per device; std over seeds of the device-mean ρ.
  public init(_ runs: [String: [SeedMetrics]], devices names: [String]) {
    func mean(_ v: [Double]) -> Double { v.isEmpty ? 0 : v.reduce(0, +) / Double(v.count) }
    func std(_ v: [Double]) -> Double {
      let m = mean(v)
      return v.count > 1 ? (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count - 1)).squareRoot() : 0
    }
    devices = names.map { d in
      let r = runs[d] ?? []
      return DeviceSummary(device: d, spearman: mean(r.map(\.spearman)), spearmanStd: std(r.map(\.spearman)),
                           kendall: mean(r.map(\.kendall)), mape: mean(r.map(\.mape)), within10: mean(r.map(\.within10)),
                           spearmanAll: mean(r.map(\.spearmanAll)))
    }
    let nSeeds = names.map { runs[$0]?.count ?? 0 }.min() ?? 0
    let perSeed = (0..<nSeeds).map { s in mean(names.map { runs[$0]?[s].spearman ?? 0 }) }
    meanSpearman = mean(devices.map(\.spearman))
    stdSpearman = std(perSeed)
    let worst = devices.min { $0.spearman < $1.spearman }
    worstSpearman = worst?.spearman ?? 0
    worstDevice = worst?.device ?? ""
    meanKendall = mean(devices.map(\.kendall))
    meanMape = mean(devices.map(\.mape))
    meanWithin10 = mean(devices.map(\.within10))
    meanSpearmanAll = mean(devices.map(\.spearmanAll))
  }
}

/// What adaptation chose on one device over the seeds (issue #13): the meta-predictor's blend weight per seed
/// (`BlendSelector`; 1 = meta only, 0 = ridge only), clamped predictions and imputed references.
public struct AdaptationChoice: Encodable {
  public let device: String
  public let metaWeights: [Double]
  public let clampedMeta: Int, clampedFinal: Int
  public let imputedReferences: [Int]
  public init(device: String, metaWeights: [Double], clampedMeta: Int, clampedFinal: Int, imputedReferences: [Int]) {
    self.device = device
    self.metaWeights = metaWeights
    self.clampedMeta = clampedMeta
    self.clampedFinal = clampedFinal
    self.imputedReferences = imputedReferences
  }
  /// Mean chosen weight.
  public var meanWeight: Double { metaWeights.isEmpty ? 1 : metaWeights.reduce(0, +) / Double(metaWeights.count) }
  enum CodingKeys: String, CodingKey {
    case device
    case metaWeights = "meta_weights", clampedMeta = "clamped_meta", clampedFinal = "clamped_final"
    case imputedReferences = "imputed_references"
  }
}

/// The `evaluate` result (JSON keys in snake_case).
public struct EvaluationReport: Encodable {
  public let protocolName: String, space: String, model: String
  public let shots: Int, budget: Int, measurementsPerDevice: Int, seeds: Int
  public let evaluationSet: String
  public let predictor: MethodSummary
  public var baselines: [String: MethodSummary]
  /// Wall time of one `predictMs` over all `archCount` architectures of the dataset list (0 = not measured).
  public let predictAllSeconds: Double
  public let archCount: Int
  /// How the honest protocol chose the shots (`ShotStrategy` raw value).
  public var shotSelection = ShotStrategy.random.rawValue
  /// Device split name, and per device what adaptation chose (the "final" method).
  public var split = "help"
  public var adaptation: [AdaptationChoice] = []

  public init(protocolName: String, space: String, model: String, shots: Int, budget: Int, measurementsPerDevice: Int,
              seeds: Int, evaluationSet: String, predictor: MethodSummary, baselines: [String: MethodSummary],
              predictAllSeconds: Double = 0, archCount: Int = 0) {
    self.predictAllSeconds = predictAllSeconds
    self.archCount = archCount
    self.protocolName = protocolName
    self.space = space
    self.model = model
    self.shots = shots
    self.budget = budget
    self.measurementsPerDevice = measurementsPerDevice
    self.seeds = seeds
    self.evaluationSet = evaluationSet
    self.predictor = predictor
    self.baselines = baselines
  }
  enum CodingKeys: String, CodingKey {
    case space, model, shots, budget, seeds, predictor, baselines
    case protocolName = "protocol", measurementsPerDevice = "measurements_per_device", evaluationSet = "evaluation_set"
    case meanSpearman = "mean_spearman", stdSpearman = "std_spearman", worstSpearman = "worst_spearman"
    case worstDevice = "worst_device", meanWithin10 = "mean_within10", meanMape = "mean_mape", meanKendall = "mean_kendall"
    case meanSpearmanAll = "mean_spearman_all", devices
    case predictAllSeconds = "predict_all_seconds", archCount = "arch_count", shotSelection = "shot_selection"
    case split, adaptation
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(protocolName, forKey: .protocolName)
    try c.encode(space, forKey: .space)
    try c.encode(model, forKey: .model)
    try c.encode(shots, forKey: .shots)
    try c.encode(budget, forKey: .budget)
    try c.encode(measurementsPerDevice, forKey: .measurementsPerDevice)
    try c.encode(seeds, forKey: .seeds)
    try c.encode(shotSelection, forKey: .shotSelection)
    try c.encode(evaluationSet, forKey: .evaluationSet)
    try c.encode(predictor.meanSpearman, forKey: .meanSpearman)
    try c.encode(predictor.stdSpearman, forKey: .stdSpearman)
    try c.encode(predictor.worstSpearman, forKey: .worstSpearman)
    try c.encode(predictor.worstDevice, forKey: .worstDevice)
    try c.encode(predictor.meanWithin10, forKey: .meanWithin10)
    try c.encode(predictor.meanMape, forKey: .meanMape)
    try c.encode(predictor.meanKendall, forKey: .meanKendall)
    try c.encode(predictor.meanSpearmanAll, forKey: .meanSpearmanAll)
    try c.encode(predictor.devices, forKey: .devices)
    try c.encode(predictor, forKey: .predictor)
    try c.encode(baselines, forKey: .baselines)
    try c.encode(predictAllSeconds, forKey: .predictAllSeconds)
    try c.encode(archCount, forKey: .archCount)
    try c.encode(split, forKey: .split)
    try c.encode(adaptation, forKey: .adaptation)
  }

  public func printTable() {
    print("protocol \(protocolName), space \(space), model \(model), \(measurementsPerDevice) target measurements/device, \(seeds) seeds, shots \(shotSelection)")
    print("evaluation set: \(evaluationSet)")
    func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
    func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
    let rows: [(String, MethodSummary)] = [("predictor", predictor)] + baselines.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    let devs = predictor.devices.map(\.device)
    let w = max(8, (devs.map(\.count).max() ?? 8) + 1)
    let nameWidth = max(16, (rows.map(\.0.count).max() ?? 0) + 2)
    print(pad("Spearman ρ", nameWidth) + devs.map { lpad($0, w) }.joined() + "   mean ± std   worst  ρ_all  MAPE%  ±10%")
    for (name, s) in rows {
      var line = pad(name, nameWidth)
      for d in s.devices { line += lpad(String(format: "%.3f", d.spearman), w) }
      line += String(format: "  %.3f±%.3f  %.3f  %.3f  %5.1f  %.2f", s.meanSpearman, s.stdSpearman, s.worstSpearman,
                      s.meanSpearmanAll, s.meanMape, s.meanWithin10)
      print(line)
    }
    if !adaptation.isEmpty {
      print("final = blend chosen by leave-one-out on the support; meta weight per device (mean over seeds), clamped predictions (meta/final), imputed references:")
      for a in adaptation {
        let imp = a.imputedReferences.isEmpty ? "" : "  imputed " + a.imputedReferences.map(String.init).joined(separator: ",")
        print(String(format: "  %@  w %.2f  [%@]  clamped %d/%d", a.device, a.meanWeight,
                     a.metaWeights.map { String(format: "%.2f", $0) }.joined(separator: " "), a.clampedMeta, a.clampedFinal) + imp)
      }
    }
    if predictAllSeconds > 0 { print(String(format: "prediction time: %.3f s for all %d architectures", predictAllSeconds, archCount)) }
  }
}
