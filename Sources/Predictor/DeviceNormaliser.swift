import Foundation

/// How a device's latencies become training targets and hardware embeddings, and back to ms.
public enum NormalisationRecipe: String, Sendable, CaseIterable {
  /// Honest: y = (ln t − μ) / σ with μ, σ the mean and std of ln(latency) of the device's reference
  /// architectures (measured anyway for the embedding); embedding = the references' y values.
  case logRef = "log-ref-zscore"
  /// HELP: y = (t − lo)/(hi − lo)·0.9 + 0.05 with lo/hi from the device's trimmed training pool (720 NB201
  /// measurements — uses data an honest few-shot user does not have); embedding = references min–max to [0, 1].
  case helpMinMax = "help-minmax"
}

/// Per-device normalisation constants (see `NormalisationRecipe`).
public struct DeviceNormaliser: Sendable, Equatable {
  public let recipe: NormalisationRecipe
  /// logRef: μ and σ of ln(ms). helpMinMax: lo and hi in ms.
  public let a: Double, b: Double
  /// Hardware embedding computed from the reference latencies.
  public let embedding: [Float]

  /// Builds the constants. `pool` is required for helpMinMax (the device's trimmed training-pool latencies).
  /// `sigmaPrior` (logRef, > 0): σ is floored at `floorFraction` × this space-wide constant,
  /// σ = max(σ_ref, σ_prior/2), so a narrow reference set cannot blow targets (and predictions) up (issue #13),
  /// while a spanning set keeps the plain z-score; 0 = the legacy rule σ = max(σ_ref, 1e-3) of models
  /// meta-trained without the metadata key `norm_sigma_prior`.
  public init(recipe: NormalisationRecipe, referenceMs: [Double], pool: [Double]? = nil, sigmaPrior: Double = 0) throws {
    guard !referenceMs.isEmpty, referenceMs.allSatisfy({ $0 > 0 && $0.isFinite }) else {
      throw PredictorError("reference latencies must be positive finite ms, got \(referenceMs)")
    }
    self.recipe = recipe
    switch recipe {
    case .logRef:
      let l = referenceMs.map { Foundation.log($0) }
      let mu = l.reduce(0, +) / Double(l.count)
      let sd = Self.flooredSigma((l.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(l.count)).squareRoot(),
                                prior: sigmaPrior)
      a = mu
      b = sd
      embedding = l.map { Float(($0 - mu) / sd) }
    case .helpMinMax:
      guard let pool, let lo = pool.min(), let hi = pool.max(), hi > lo else {
        throw PredictorError("help-minmax normalisation needs a training pool with distinct latencies")
      }
      a = lo
      b = hi
      let rlo = referenceMs.min() ?? 0, rhi = referenceMs.max() ?? 1
      embedding = referenceMs.map { Float(($0 - rlo) / max(rhi - rlo, 1e-12)) }
    }
  }

  /// Share of the σ prior below which σ is not allowed (fixed a priori; issue #13). A first variant shrank σ
  /// toward the prior, √((σ_ref² + σ_prior²)/2); it cost the bundled recipe 0.13 mean ρ on HELP's devices (raspi4,
  /// pixel3 and the pool's CPUs have σ_ref 3× the median, so their targets no longer had unit scale).
  public static let floorFraction = 0.5

  /// σ of the logRef recipe from the references' std `sd` (see `init`); always ≥ 1e-3 and finite.
  public static func flooredSigma(_ sd: Double, prior: Double) -> Double {
    let s = sd.isFinite ? sd : 0
    guard prior > 0, prior.isFinite else { return max(s, 1e-3) }
    return max(s, floorFraction * prior, 1e-3)
  }

  /// The space-wide σ prior of meta-training: the median over `columns` (source devices' ln-latency, NaN = not
  /// measured) of each column's std of ln-latency over its measured archs.
  public static func sigmaPrior(lnColumns columns: [[Double]]) -> Double {
    let sds = columns.compactMap { c -> Double? in
      let v = c.filter(\.isFinite)
      guard v.count > 1 else { return nil }
      let m = v.reduce(0, +) / Double(v.count)
      return (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count)).squareRoot()
    }.sorted()
    guard !sds.isEmpty else { return 0 }
    return sds.count % 2 == 1 ? sds[sds.count / 2] : (sds[sds.count / 2 - 1] + sds[sds.count / 2]) / 2
  }

  /// Rebuilds from stored constants.
  public init(recipe: NormalisationRecipe, a: Double, b: Double, embedding: [Float]) {
    self.recipe = recipe
    self.a = a
    self.b = b
    self.embedding = embedding
  }

  /// Latency (ms) → target.
  public func normalise(_ ms: Double) -> Float {
    switch recipe {
    case .logRef: return Float((Foundation.log(max(ms, 1e-9)) - a) / b)
    case .helpMinMax: return Float((ms - a) / (b - a) * 0.9 + 0.05)
    }
  }

  /// Target → latency (ms).
  public func denormalise(_ y: Float) -> Double {
    switch recipe {
    case .logRef: return Foundation.exp(Double(y) * b + a)
    case .helpMinMax: return (Double(y) - 0.05) / 0.9 * (b - a) + a
    }
  }
}
