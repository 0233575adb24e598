import Foundation

/// Progress of a profile, passed to the progress callback after every finished arch.
public struct ProfileProgress: Sendable {
  public var done: Int
  public var total: Int
  public var noisy: Int
  /// Archs that got extra sweeps.
  public var remeasured: Int
  public var elapsedSeconds: Double
  /// Finished archs per minute so far.
  public var archsPerMinute: Double
  /// Estimated seconds left at the current rate.
  public var etaSeconds: Double
  /// Other processes' CPU use over the last round, in CPUs.
  public var otherCores: Double
  /// Fraction of the planned work done (0…1); rows arrive block by block, this moves every window.
  public var fractionDone: Double
  public var lastRow: ProfileRow?
}

/// Totals of one `measure` call.
public struct ProfileSummary: Codable, Sendable, Equatable {
  public var archs: Int
  public var noisy: Int
  public var remeasured: Int
  public var seconds: Double
  public var archsPerMinute: Double
  /// Mean other-process CPU use over the measurement, in CPUs.
  public var meanOtherCores: Double
  /// Largest other-process CPU use in one round.
  public var maxOtherCores: Double
  /// Pinning notes (first pin, then any move to a quieter CPU).
  public var pinning: [String]
  /// Counter availability ("available: ..." or the reason none are).
  public var counters: String
  /// True when the run stopped early (shouldStop returned true).
  public var interrupted: Bool
  /// The protocol (`canary`, `sweeps`, `naive`); nil in sidecars written before it was recorded.
  public var protocolKind: String? = nil
  /// The canary's levels, baseline and slow rounds (canary protocol only).
  public var canary: CanarySummary? = nil
}

/// Median time of one layer over the layer pass.
public struct LayerTiming: Codable, Sendable, Equatable {
  public var archIndex: Int
  public var archString: String
  public var position: Int
  public var name: String
  public var kind: String
  public var medianMs: Double
}

/// Result of `ProfileEngine.measure`: rows in input order, layer timings, totals.
public struct ProfileOutcome: Sendable {
  public var rows: [ProfileRow]
  public var layers: [LayerTiming]
  public var summary: ProfileSummary
}
