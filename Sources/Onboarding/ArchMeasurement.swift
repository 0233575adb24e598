import Foundation
import Profiler
import SearchSpace

/// An architecture of the candidate pool: its number (NB201 index, OFA pool number), the architecture, its MACs.
public struct PoolArch: Sendable, Equatable {
  public var index: Int
  public var arch: Arch
  public var macs: Int
  public init(index: Int, arch: Arch, macs: Int) {
    self.index = index
    self.arch = arch
    self.macs = macs
  }

  /// The text form (NB201 arch string or OFA config text), for files and messages.
  public var text: String { arch.text }

  /// The profiler's spec of it (NB201 index and cell, OFA pool number and config).
  var spec: ArchSpec { arch.spec(index: index) }
}

/// One measured architecture used for adaptation or validation.
///
/// `Codable` as before the architecture was a value: keys `index` (absent when nil), `arch` (the text form),
/// `latencyMs`, `macs`. Decoding tells the space from the text: NB201 arch strings begin with `|`, OFA config
/// texts with a `key=value` item.
public struct ArchMeasurement: Codable, Sendable, Equatable {
  /// NB201 index, OFA pool number (or nil).
  public var index: Int?
  public var arch: Arch
  public var latencyMs: Double
  public var macs: Int
  public init(index: Int?, arch: Arch, latencyMs: Double, macs: Int) {
    self.index = index
    self.arch = arch
    self.latencyMs = latencyMs
    self.macs = macs
  }

  /// The text form (NB201 arch string or OFA config text), for files and messages.
  public var text: String { arch.text }

  private enum CodingKeys: String, CodingKey { case index, arch, latencyMs, macs }

  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let text = try c.decode(String.self, forKey: .arch)
    do {
      arch = try Arch(text: text, space: text.hasPrefix("|") ? .nb201 : .ofa)
    } catch {
      throw DecodingError.dataCorruptedError(forKey: .arch, in: c, debugDescription: "\(error)")
    }
    index = try c.decodeIfPresent(Int.self, forKey: .index)
    latencyMs = try c.decode(Double.self, forKey: .latencyMs)
    macs = try c.decode(Int.self, forKey: .macs)
  }

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encodeIfPresent(index, forKey: .index)
    try c.encode(arch.text, forKey: .arch)
    try c.encode(latencyMs, forKey: .latencyMs)
    try c.encode(macs, forKey: .macs)
  }
}

extension PredictorMetadata.ShotArch {
  /// The provenance record of a shot (its text form, as the metadata stores it).
  public init(_ shot: ArchMeasurement) {
    self.init(index: shot.index, arch: shot.text, latencyMs: shot.latencyMs)
  }
}

extension Arch {
  /// The profiler's spec of this architecture numbered `index` (NB201 index; OFA pool or reference number).
  func spec(index: Int) -> ArchSpec {
    switch self {
    case .nb201(let c): return .nb201(index: index, cell: c)
    case .ofa(let c): return .ofa(number: index, config: c)
    }
  }
}
