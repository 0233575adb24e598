import Foundation
import SearchSpace

/// The leave-one-out predictions of the adapted meta-predictor that the final blend is chosen by (`BlendSelector`,
/// `helpprof adapt` and `helpprof evaluate` alike).
extension MetaPredictor {
  /// How a left-out reference is handled.
  public enum LOOEmbedding {
    /// The embedding (and normalisation) of all references, the left-out one included (before the eighth stop).
    case unchanged
    /// A left-out reference is re-imputed: the normaliser is rebuilt with its latency replaced by `imputeMs(i)`
    /// (what the other support points predict for it, e.g. ridge through the source devices), so its measured
    /// value cannot reach its own prediction through the embedding. `referenceMs` are the latencies the normaliser
    /// was built from, in `referenceArchs` order.
    case reimputed(referenceMs: [Double], imputeMs: (Int) throws -> Double)
  }

  /// ln ms of the meta-predictor re-adapted without each support point (`steps`, `seed` as the adaptation),
  /// predicting that point; NaN where the prediction is not a positive finite number.
  public func leaveOneOutLn(support: [(arch: ArchKey, latencyMs: Double)], normaliser base: DeviceNormaliser,
                            embedding: LOOEmbedding = .unchanged, steps: Int?, seed: UInt64) throws -> [Double] {
    try support.indices.map { i -> Double in
      var s = support
      s.remove(at: i)
      var norm = base
      if case .reimputed(let refMs, let impute) = embedding, recipe == .logRef, refMs.count == referenceArchs.count,
         let slot = referenceArchs.firstIndex(where: { Self.sameArch($0, support[i].arch) }) {
        var ms = refMs
        let v = try impute(i)
        guard v > 0 && v.isFinite else {
          throw PredictorError("imputing reference \(Self.text(support[i].arch)) for the leave-one-out gave \(v) ms "
                               + "(expected a positive finite latency)")
        }
        ms[slot] = v
        norm = try normaliser(referenceMs: ms)
      }
      let a = try adapt(support: s, normaliser: norm, steps: steps, seed: seed)
      let v = try a.predictMetaMsUnchecked([support[i].arch])[0]
      return v > 0 && v.isFinite ? Foundation.log(v) : .nan
    }
  }
}
