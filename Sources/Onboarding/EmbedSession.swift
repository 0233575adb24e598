import Foundation
import SearchSpace

/// Measures a device profile's reference architectures into a file, resumably.
///
/// The profile is written (atomically) before the first measurement and again after every reference
/// architecture. A rerun with the same space, settings and reference list reads the file, keeps the finished
/// references and measures only the rest; a rerun with different settings is refused (`settingsMismatch`)
/// unless `restart` is set. A complete profile is left alone (nothing to measure).
public struct EmbedSession {
  public let path: String
  public private(set) var profile: DeviceProfile
  /// References already measured when the session opened (resumed from the file).
  public let resumedCount: Int

  /// Receives the pending references and a `record` callback to call once per finished reference.
  public typealias Measurer = (_ pending: [ReferenceArch],
                               _ record: (ReferenceArch, ReferenceMeasurement.Measurement) throws -> Void) throws -> Void

  /// Opens `path`: resumes a compatible partial profile there, or starts `fresh` (also when `restart`).
  public init(path: String, fresh: DeviceProfile, restart: Bool = false) throws {
    self.path = path
    if !restart, FileManager.default.fileExists(atPath: path) {
      let existing: DeviceProfile
      do {
        existing = try DeviceProfile.read(path: path)
      } catch let e as OnboardingError {
        throw OnboardingError.badProfile(path: path,
          reason: "cannot resume (\(e.description)); pass --fresh to overwrite it or use another --out")
      }
      try EmbedSession.checkResumable(existing, fresh, path: path)
      profile = existing
      profile.updatedAt = DeviceProfile.timestamp()
      for w in fresh.host.warnings where !profile.host.warnings.contains(w) { profile.host.warnings.append(w) }
    } else {
      profile = fresh
    }
    resumedCount = profile.references.filter { $0.measurement != nil }.count
    try profile.write(to: path)
  }

  /// References still to measure, in reference order.
  public var pending: [ReferenceArch] { profile.references.filter { $0.measurement == nil }.map(\.arch) }

  /// Stores one reference's measurement and rewrites the file.
  public mutating func record(_ arch: ReferenceArch, _ m: ReferenceMeasurement.Measurement) throws {
    guard let i = profile.references.firstIndex(where: { $0.arch == arch }) else {
      throw OnboardingError.invalidArgument("'\(arch.key)' is not a reference architecture of this profile")
    }
    profile.references[i].measurement = m
    profile.refreshEmbedding()
    profile.updatedAt = DeviceProfile.timestamp()
    try profile.write(to: path)
  }

  /// Measures every pending reference with `measure`, saving after each; returns the (complete) profile.
  /// If `measure` throws or stops early, the file holds everything recorded so far.
  public mutating func run(_ measure: Measurer) throws -> DeviceProfile {
    let todo = pending
    if !todo.isEmpty {
      var session = self
      try measure(todo) { arch, m in try session.record(arch, m) }
      self = session
    }
    if !profile.isComplete {
      throw OnboardingError.incompleteProfile(path: path, missing: pending.count)
    }
    return profile
  }

  /// Refuses to mix measurements taken with different settings or for another reference list.
  static func checkResumable(_ existing: DeviceProfile, _ fresh: DeviceProfile, path: String) throws {
    func mismatch(_ field: String, _ a: String, _ b: String) -> OnboardingError {
      .settingsMismatch(path: path, field: field, found: a, expected: b)
    }
    if existing.space != fresh.space { throw mismatch("space", existing.space.rawValue, fresh.space.rawValue) }
    let a = existing.settings, b = fresh.settings
    if a.kernels != b.kernels { throw mismatch("kernels", a.kernels, b.kernels) }
    if a.threads != b.threads { throw mismatch("threads", String(a.threads), String(b.threads)) }
    if a.batch != b.batch { throw mismatch("batch", String(a.batch), String(b.batch)) }
    if a.dataset != b.dataset { throw mismatch("dataset", a.dataset ?? "-", b.dataset ?? "-") }
    if a.protocolSummary != b.protocolSummary { throw mismatch("protocol", a.protocolSummary, b.protocolSummary) }
    if a.metaPredictorID != b.metaPredictorID { throw mismatch("meta-predictor", a.metaPredictorID, b.metaPredictorID) }
    let ra = existing.references.map(\.arch), rb = fresh.references.map(\.arch)
    if ra != rb {
      throw mismatch("reference architectures", ra.map { String($0.index) }.joined(separator: ","),
                     rb.map { String($0.index) }.joined(separator: ","))
    }
    if existing.host.cpuModel != fresh.host.cpuModel {
      throw mismatch("CPU", existing.host.cpuModel, fresh.host.cpuModel)
    }
  }
}
