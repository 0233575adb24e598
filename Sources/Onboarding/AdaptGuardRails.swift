import Foundation
import Predictor
import SearchSpace

/// Issue #13 guard rails of `helpprof adapt`: the plausible range every prediction is clamped to, and (NB201) the
/// leave-one-out choice between the adapted meta-predictor and ridge on the public source devices.
extension AdaptFlow {
  /// Metadata `blend_method` of an OFA (or source-less) predictor: the public OFA tables cover 5,000 subnets, so
  /// ridge on the source devices cannot predict an arbitrary subnet.
  public static let metaOnlyOFA = "meta only (ridge needs source-device latencies of every arch; the OFA tables cover 5,000 subnets)"
  public static let metaOnlyNoSources = "meta only (no source latency tables found: profiles/datasets)"

  /// MACs of an arch (NB201 on CIFAR-10, as the candidate pool).
  public static func archMACs(_ a: ArchKey) throws -> Double {
    switch a {
    case .nb201(let c): return Double(NB201Cost(cell: c, dataset: .cifar10).macs)
    case .ofa(let c): return Double(try OFACost(config: c).macs)
    }
  }

  /// `adapted` with the guard rails: range from the support (`measurements`, with MACs `supportMACs`) stretched by
  /// the space's MACs extremes; for NB201 with `sources` (the public latency tables) the ridge baseline's
  /// predictions for all 15,625 cells and the blend weight chosen by LOO over the support
  /// (`BlendSelector`), with or without the cell's op counts as extra ridge features (also by LOO); the choice is
  /// recorded in metadata `blend_method`, `blend_meta_weight`, `blend_loo_mse`, `blend_ridge`.
  public static func withGuardRails(_ adapted: AdaptedPredictor, meta: MetaPredictor,
                                    measurements: [(arch: ArchKey, latencyMs: Double)], supportMACs: [Double],
                                    spaceMACs: (min: Double, max: Double), sources: LatencyDataset?,
                                    steps: Int?, seed: UInt64) throws -> AdaptedPredictor {
    var out = adapted
    out.plausibleRange = try PlausibleRange(supportMs: measurements.map(\.latencyMs), supportMACs: supportMACs,
                                            spaceMACs: spaceMACs)
    guard meta.config.space == .nb201 else {
      out.info["blend_method"] = metaOnlyOFA
      return out
    }
    guard let data = sources, data.space == .nb201 else {
      out.info["blend_method"] = metaOnlyNoSources
      return out
    }
    let idx = try measurements.map { m -> Int in
      guard case .nb201(let c) = m.arch else { throw OnboardingError.invalidArgument("an NB201 predictor got a non-NB201 measurement") }
      return NB201Index.index(of: c)
    }
    let ms = measurements.map(\.latencyMs)
    let plain = try SourceRidge(data: data, sources: data.devices, needed: idx)
    let withArch = try SourceRidge(data: data, sources: data.devices, needed: idx, archFeatures: true)
    let ridgeLOO = [plain.leaveOneOut(idx, ms: ms), withArch.leaveOneOut(idx, ms: ms)]
    let metaLOO = try meta.leaveOneOutLn(support: measurements, normaliser: adapted.normaliser, steps: steps, seed: seed)
    let choice = BlendSelector.chooseAmong(metaLn: metaLOO, ridgeLn: ridgeLOO, truthLn: ms.map { Foundation.log($0) })
    let ridge = choice.ridge == 1 ? withArch : plain
    let fit = ridge.fit(idx, ms: ms)
    out.ridgeLnMs = ridge.predictLnAll(fit).map(Float.init)
    out.metaWeight = choice.metaWeight
    out.info["blend_method"] = choice.method
    out.info["blend_loo_mse"] = zip(BlendSelector.grid, choice.looError)
      .map { String(format: "w=%.2f:%.5f", $0, $1) }.joined(separator: ",")
    out.info["blend_sources"] = "ridge (lambda 1) of ln ms on the \(plain.sourceCount) public NB201 devices' ln ms"
      + (choice.ridge == 1 ? " and the cell's op counts (all and live edges)" : "")
      + ", fitted on the \(idx.count) support archs"
    out.info["blend_ridge"] = choice.ridge == 1 ? "sources+arch" : "sources"
    return out
  }
}
