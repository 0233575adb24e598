/// One architecture of any search space: an NB201 cell or an OFA MobileNetV3 subnet (a new space is a new case).
/// Everything above SearchSpace carries this value; text appears only where architectures are read or written
/// (CSV, JSON, the command line):
/// ```swift
/// let a = try Arch(text: "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|", space: .nb201)
/// print(a.space, a.text, try a.macs())
/// let o = try Arch(text: "r=224 d=2,3,4,2,3 ks=... e=...", space: .ofa, ofaWidth: .w12)  // no w=: takes 1.2
/// ```
public enum Arch: Hashable, Sendable {
  /// An NB201 cell.
  case nb201(NB201Cell)
  /// An OFA MobileNetV3 subnet.
  case ofa(OFAConfig)

  /// Parses the text form of an architecture of `space`: an NB201 arch string, or OFA config text. OFA text
  /// without a `w=` item takes `ofaWidth` when given (the predictor's or the references' width); with one, its own.
  public init(text: String, space: SpaceKind, ofaWidth: OFAWidth? = nil) throws {
    switch space {
    case .nb201: self = .nb201(try NB201Cell(archString: text))
    case .ofa: self = .ofa(try OFAConfig(text: text, defaultWidth: ofaWidth))
    }
  }

  /// The search space it belongs to.
  public var space: SpaceKind {
    switch self {
    case .nb201: return .nb201
    case .ofa: return .ofa
    }
  }

  /// The text form as given: the NB201 arch string, or the OFA config text (`OFAConfig.text`).
  public var text: String {
    switch self {
    case .nb201(let c): return c.archString
    case .ofa(let c): return c.text
    }
  }

  /// One text per network: the NB201 arch string, or the OFA config with its inactive slots normalised
  /// (`OFAConfig.canonicalText`), so that two texts of the same network compare equal.
  public var canonicalText: String {
    switch self {
    case .nb201(let c): return c.archString
    case .ofa(let c): return c.canonicalText
    }
  }

  /// Multiply-accumulates of one forward pass (NB201 on `dataset`; OFA at its own resolution).
  public func macs(dataset: NB201Dataset = .cifar10) throws -> Int {
    switch self {
    case .nb201(let c): return NB201Cost(cell: c, dataset: dataset).macs
    case .ofa(let c): return try OFACost(config: c).macs
    }
  }
}

extension OFAConfig {
  /// Parses config text; without a `w=` item the width is `defaultWidth` when given (else the text's default).
  public init(text: String, defaultWidth: OFAWidth?) throws {
    try self.init(text: text)
    if let defaultWidth,
       !text.split(whereSeparator: { $0 == " " || $0 == "\t" }).contains(where: { $0.hasPrefix("w=") }) {
      width = defaultWidth
    }
  }
}
