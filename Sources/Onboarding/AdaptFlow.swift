import Foundation
import Predictor
import SearchSpace

/// The adapt flow: candidate pool, shot choice, adaptation with the meta-predictor, the portable predictor
/// file, and loading it back with full verification. Measuring is passed in (`Measure`), so the flow is
/// testable without timing anything.
public enum AdaptFlow {
  /// Measures pool architectures (number and `Arch`) and returns median latencies in ms, in order.
  public typealias Measure = (_ archs: [PoolArch]) throws -> [Double]

  /// Shot strategy names stored in provenance.
  public static let stratifiedStrategy = "stratified-by-macs"
  public static let fileStrategy = "measurements-file"

  /// The candidate pool: NB201 — all 15,625 cells (MACs on `dataset`); OFA — `ofaPoolSize` subnets sampled
  /// with `OFAConfig.sample(count:seed:width: .w12)` (seed fixed at 0 so the pool is the same for every seed;
  /// the shot seed only chooses within it), numbered 0..<ofaPoolSize.
  public static func pool(space: SpaceKind, dataset: NB201Dataset = .cifar10, ofaPoolSize: Int = 5000) throws -> [PoolArch] {
    switch space {
    case .nb201:
      return try (0..<NB201Index.count).map { i in
        let cell = try NB201Index.cell(at: i)
        return PoolArch(index: i, arch: .nb201(cell), macs: NB201Cost(cell: cell, dataset: dataset).macs)
      }
    case .ofa:
      return try OFAConfig.sample(count: ofaPoolSize, seed: 0, width: .w12).enumerated().map { n, c in
        PoolArch(index: n, arch: .ofa(c), macs: try OFACost(config: c).macs)
      }
    }
  }

  /// `count` shots from `pool`, stratified by MACs (`ShotSelection.stratifiedByMACs`), excluding the
  /// references (the meta-predictor's `referenceArchs`).
  public static func chooseShots(pool: [PoolArch], count: Int, seed: UInt64, references: [Arch]) throws -> [PoolArch] {
    let refs = Set(references)
    let excluded = Set(pool.indices.filter { refs.contains(pool[$0].arch) })
    let picks = try ShotSelection.stratifiedByMACs(
      pool.indices.map { ShotSelection.Candidate(key: $0, macs: pool[$0].macs) }, count: count, seed: seed, exclude: excluded)
    return picks.map { pool[$0] }
  }

  /// `count` validation architectures drawn uniformly (seed `seed`), excluding shots and references.
  public static func chooseValidation(pool: [PoolArch], count: Int, seed: UInt64, exclude: Set<Arch>) throws -> [PoolArch] {
    let excluded = Set(pool.indices.filter { exclude.contains(pool[$0].arch) })
    return try ShotSelection.uniform(Array(pool.indices), count: count, seed: seed, exclude: excluded).map { pool[$0] }
  }

  /// Resolves CSV rows to architectures of `space` (`MeasurementResolver`: NB201 index and/or arch string
  /// checked against each other, OFA config text of the references' width, identical duplicates merged and
  /// conflicting ones refused), drops the references (the meta-predictor's `referenceArchs`), and keeps `count`
  /// of them (all when `count` is nil; a MACs-stratified seeded choice when there are more).
  public static func shotsFromCSV(_ rows: [MeasuredArch], space: SpaceKind, count: Int?, seed: UInt64,
                                  references: [Arch], dataset: NB201Dataset = .cifar10,
                                  source: String) throws -> [ArchMeasurement] {
    let refs = Set(references)
    var width: OFAWidth?
    if space == .ofa, case .ofa(let c) = references.first { width = c.width }
    let out = try MeasurementResolver.resolve(rows, space: space, dataset: dataset, ofaWidth: width, source: source)
      .filter { !refs.contains($0.arch) }
    guard let count else { return out }
    guard out.count >= count else {
      throw OnboardingError.invalidArgument(
        "\(source) has \(out.count) usable rows (references and duplicates excluded) but --shots is \(count)")
    }
    if out.count == count { return out }
    let picks = try ShotSelection.stratifiedByMACs(
      out.indices.map { ShotSelection.Candidate(key: $0, macs: out[$0].macs) }, count: count, seed: seed)
    return picks.map { out[$0] }
  }

  /// `items` in a seeded random order (Fisher–Yates with `SplitMix64(seed)`): references, shots and validation
  /// architectures are measured interleaved, so load or clock drift during the session hits all of them alike
  /// instead of biasing one group.
  public static func interleaved<T>(_ items: [T], seed: UInt64) -> [T] {
    var out = items
    var rng = SplitMix64(seed: seed)
    if out.count > 1 {
      for i in stride(from: out.count - 1, to: 0, by: -1) {
        out.swapAt(i, Int(rng.next() % UInt64(i + 1)))
      }
    }
    return out
  }

  /// Throws `incompleteProfile` unless every reference of `profile` is measured.
  public static func checkComplete(_ profile: DeviceProfile, profilePath: String) throws {
    guard profile.referenceMedians != nil, profile.isComplete else {
      throw OnboardingError.incompleteProfile(path: profilePath, missing: profile.references.filter { $0.measurement == nil }.count)
    }
  }

  /// Throws unless `profile` fits `meta`: the same search space (`wrongSpace`) and exactly the meta-predictor's
  /// references (`checkReferences`).
  public static func checkMatches(_ profile: DeviceProfile, meta: MetaPredictor, profilePath: String) throws {
    guard profile.space == meta.config.space else {
      throw OnboardingError.wrongSpace(path: profilePath, found: profile.space.rawValue, expected: meta.config.space.rawValue)
    }
    try checkReferences(profile: profile, meta: meta, profilePath: profilePath)
  }

  /// Checks the profile measured exactly the meta-predictor's references (same order and text).
  public static func checkReferences(profile: DeviceProfile, meta: MetaPredictor, profilePath: String) throws {
    let want = meta.referenceArchs.map(MetaPredictor.text)
    let have = profile.references.map(\.arch.arch)
    guard want == have else {
      throw OnboardingError.badProfile(path: profilePath, reason:
        "it measured \(have.count) reference architectures that differ from the meta-predictor's \(want.count); "
        + "rerun `helpprof embed --fresh`")
    }
  }

  /// Meta-SGD steps on the support per meta-trained inner step (see `adaptationSteps(for:)`).
  public static let innerStepFactor = 2

  /// Gradient steps `adapt` takes on a device's support: `innerStepFactor` × the meta-predictor's meta-trained
  /// inner steps (4 for the bundled models) with its learned Meta-SGD rates; nil (the model's own default)
  /// for models adapted by plain fine-tuning.
  ///
  /// Why more than the meta-trained 2: after 2 steps the adapted network still misses its own 20 support
  /// points by a systematic, size-dependent amount (NB201 on this project's CPU: cells under ~1 ms predicted
  /// ~9 % high, 1–1.5 ms cells ~8 % low, on the support as on held-out cells). Chosen on one measured session
  /// (330 NB201 cells, 8 shot draws), confirmed on a second, fresh session (seed 11, 8 draws): within ±10 %
  /// 79.7 → 87.8 %, MAPE 7.1 → 5.6 %, Spearman 0.9933 → 0.9935. More steps lower MAPE further but start to
  /// cost rank correlation (8 steps: Spearman 0.9907). OFA on the same CPU (160 subnets, 8 draws) is unchanged
  /// (within ±10 % 97.7 → 97.3 %, MAPE 3.86 → 3.92 %); `evaluate --steps 4` on HELP's devices is not worse
  /// (NB201 honest: Spearman 0.946 → 0.949, MAPE 8.0 → 6.4 %; OFA identical).
  public static func adaptationSteps(for meta: MetaPredictor) -> Int? {
    meta.metadata["adaptation"] == "adam-finetune" ? nil : meta.innerSteps * innerStepFactor
  }

  /// Adapts `meta` with the reference latencies plus `shots`. `referenceMs` (same order as the profile's
  /// references) replaces the profile's medians when the references were measured again with the shots.
  /// `steps` overrides `adaptationSteps(for:)`.
  /// With `spaceMACs` (the candidate pool's MACs extremes) the result carries the guard rails of
  /// `withGuardRails` (clamp range; NB201 with `sources`: the LOO blend with ridge).
  public static func adapt(profile: DeviceProfile, profilePath: String, meta: MetaPredictor, shots: [ArchMeasurement],
                           seed: UInt64, referenceMs: [Double]? = nil, steps: Int? = nil,
                           spaceMACs: (min: Double, max: Double)? = nil,
                           sources: LatencyDataset? = nil) throws -> AdaptedPredictor {
    try checkComplete(profile, profilePath: profilePath)
    try checkMatches(profile, meta: meta, profilePath: profilePath)
    return try adaptChecked(profile: profile, profilePath: profilePath, meta: meta, shots: shots, seed: seed,
                            referenceMs: referenceMs, steps: steps, spaceMACs: spaceMACs, sources: sources)
  }

  /// `adapt` after `checkComplete` and `checkMatches` passed (`run` checks them before measuring).
  static func adaptChecked(profile: DeviceProfile, profilePath: String, meta: MetaPredictor, shots: [ArchMeasurement],
                           seed: UInt64, referenceMs: [Double]?, steps: Int?,
                           spaceMACs: (min: Double, max: Double)?, sources: LatencyDataset?) throws -> AdaptedPredictor {
    let profileMedians = profile.referenceMedians ?? []
    let medians = referenceMs ?? profileMedians
    guard medians.count == profileMedians.count, medians.allSatisfy({ $0 > 0 && $0.isFinite }) else {
      throw OnboardingError.invalidArgument("\(medians.count) reference latencies for \(profileMedians.count) references")
    }
    var measurements: [(arch: ArchKey, latencyMs: Double)] = []
    for (r, ms) in zip(meta.referenceArchs, medians) { measurements.append((r, ms)) }
    for s in shots {
      guard s.arch.space == profile.space else {
        throw OnboardingError.invalidArgument("shot \(s.text.prefix(80)) is not a \(profile.space.rawValue) architecture")
      }
      measurements.append((s.arch, s.latencyMs))
    }
    let usedSteps = steps ?? adaptationSteps(for: meta)
    let adapted = try meta.adapt(measurements: measurements, seed: seed, steps: usedSteps)
    guard let spaceMACs else { return adapted }
    let refMACs = try meta.referenceArchs.map(archMACs)
    return try withGuardRails(adapted, meta: meta, measurements: measurements,
                              supportMACs: refMACs + shots.map { Double($0.macs) }, spaceMACs: spaceMACs,
                              sources: sources, steps: usedSteps, seed: seed)
  }
}
