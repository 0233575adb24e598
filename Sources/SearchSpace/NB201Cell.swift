/// One operation on an NB201 cell edge, in the canonical NB201 op order (index = NB201 op code).
public enum NB201Op: Int, CaseIterable, Sendable, Codable {
  case none = 0
  case skipConnect = 1
  case conv1x1 = 2
  case conv3x3 = 3
  case avgPool3x3 = 4

  /// The name used in NB201 arch strings (`nor_conv_3x3`, ...).
  public var name: String {
    switch self {
    case .none: return "none"
    case .skipConnect: return "skip_connect"
    case .conv1x1: return "nor_conv_1x1"
    case .conv3x3: return "nor_conv_3x3"
    case .avgPool3x3: return "avg_pool_3x3"
    }
  }

  public init?(name: String) {
    guard let op = NB201Op.allCases.first(where: { $0.name == name }) else { return nil }
    self = op
  }
}

/// An NB201 cell: one op on each of the six edges, in arch-string order
/// e0 = 1←0, e1 = 2←0, e2 = 2←1, e3 = 3←0, e4 = 3←1, e5 = 3←2.
public struct NB201Cell: Hashable, Sendable, Codable {
  /// (target node, source node) of each edge, in edge order.
  public static let edges: [(to: Int, from: Int)] = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]

  public let ops: [NB201Op]

  /// Creates a cell from exactly six ops. Returns nil on any other count.
  public init?(ops: [NB201Op]) {
    guard ops.count == 6 else { return nil }
    self.ops = ops
  }

  /// Creates a cell from six op codes 0...4 (e.g. the digits of nb201-index-to-ops.txt).
  public init?(codes: [Int]) {
    guard codes.count == 6 else { return nil }
    var ops: [NB201Op] = []
    for c in codes {
      guard let op = NB201Op(rawValue: c) else { return nil }
      ops.append(op)
    }
    self.ops = ops
  }

  /// The op codes, e0 first.
  public var codes: [Int] { ops.map(\.rawValue) }
}

/// The NB201 datasets, which fix input size and class count.
public enum NB201Dataset: String, CaseIterable, Sendable, Codable {
  case cifar10
  case cifar100
  case imagenet16_120 = "ImageNet16-120"

  /// Input side length (square, 3 channels).
  public var inputSize: Int { self == .imagenet16_120 ? 16 : 32 }
  public var numClasses: Int {
    switch self {
    case .cifar10: return 10
    case .cifar100: return 100
    case .imagenet16_120: return 120
    }
  }
}
