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
  public init(recipe: NormalisationRecipe, referenceMs: [Double], pool: [Double]? = nil) throws {
    guard !referenceMs.isEmpty, referenceMs.allSatisfy({ $0 > 0 && $0.isFinite }) else {
      throw PredictorError("reference latencies must be positive finite ms, got \(referenceMs)")
    }
    self.recipe = recipe
    switch recipe {
    case .logRef:
      let l = referenceMs.map { Foundation.log($0) }
      let mu = l.reduce(0, +) / Double(l.count)
      let sd = max((l.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(l.count)).squareRoot(), 1e-3)
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
