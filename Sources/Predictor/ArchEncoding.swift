import AutoDiff
import SearchSpace

/// The predictor's name for SearchSpace's `Arch` (kept so that existing code reads as before).
public typealias ArchKey = Arch

/// How architectures become network inputs.
///
/// NB201 (GCN): 9 nodes — 0 input, 1…6 the edges in arch-string order, 7 output, 8 global — with HELP's
/// 8-way one-hot (0 input, 1 avg_pool_3x3, 2 nor_conv_1x1, 3 nor_conv_3x3, 4 none, 5 skip_connect, 6 output,
/// 7 global). With `liveFeature` a 9th column marks the nodes a dead-code-eliminating runtime keeps (live
/// edges; input/output when the cell is connected). The adjacency (row i = predecessors of i plus itself;
/// the global row is all ones) is HELP's line-graph layout (help-reference §3.1).
/// OFA (MLP): HELP's 145-d encoding (`OFAEncoding.help`).
public struct ArchEncoder: Sendable {
  /// The search space.
  public let space: SpaceKind
  /// Whether NB201 nodes carry the extra "live" feature.
  public let liveFeature: Bool

  public init(space: SpaceKind, liveFeature: Bool) {
    self.space = space
    self.liveFeature = liveFeature
  }

  /// Input features per node (NB201) or per architecture (OFA).
  public var featureCount: Int { space == .ofa ? OFAEncoding.featureCount : (liveFeature ? 9 : 8) }

  /// NB201 nodes per graph.
  public static let nodes = 9

  /// HELP's feature slot of each NB201 op code (none 0 → 4, skip 1 → 5, conv1x1 2 → 2, conv3x3 3 → 3, avg 4 → 1).
  public static let opSlot = [4, 5, 2, 3, 1]

  /// The 9×9 adjacency shared by all NB201 cells (row i: predecessors of node i, itself; global row all ones).
  public static let adjacency: [Float] = {
    let edges = [(0, 1), (0, 2), (0, 4), (1, 3), (1, 5), (2, 6), (3, 6), (4, 7), (5, 7), (6, 7)]
    var a = [Float](repeating: 0, count: 81)
    for (i, j) in edges { a[j * 9 + i] = 1 }
    for i in 0..<9 { a[i * 9 + i] = 1; a[8 * 9 + i] = 1 }
    return a
  }()

  /// Encodes a batch. NB201: features `(9·n) × F` plus the block adjacency; OFA: `n × 145`, no adjacency.
  public func encode(_ archs: [ArchKey]) throws -> EncodedArchs {
    let f = featureCount
    var x = [Float](repeating: 0, count: archs.count * (space == .ofa ? 1 : 9) * f)
    for (b, arch) in archs.enumerated() {
      switch (space, arch) {
      case (.nb201, .nb201(let cell)):
        let base = b * 9 * f
        let live = cell.liveEdges
        let connected = cell.isOutputConnected
        x[base + 0] = 1
        for k in 0..<6 { x[base + (1 + k) * f + Self.opSlot[cell.ops[k].rawValue]] = 1 }
        x[base + 7 * f + 6] = 1
        x[base + 8 * f + 7] = 1
        if liveFeature {
          if connected { x[base + 8] = 1; x[base + 7 * f + 8] = 1 }
          for k in 0..<6 where live[k] { x[base + (1 + k) * f + 8] = 1 }
        }
      case (.ofa, .ofa(let config)):
        let e = OFAEncoding.help(config)
        for i in 0..<f { x[b * f + i] = e[i] }
      default:
        throw PredictorError("architecture \(arch) does not belong to the \(space.rawValue) space")
      }
    }
    if space == .ofa { return EncodedArchs(count: archs.count, features: Tensor(rows: archs.count, cols: f, data: x), adjacency: nil) }
    var adj = [Float](); adj.reserveCapacity(archs.count * 81)
    for _ in archs { adj.append(contentsOf: Self.adjacency) }
    let blocks = BlockMatrices(size: 9, count: archs.count, values: adj)
    return EncodedArchs(count: archs.count, features: Tensor(rows: archs.count * 9, cols: f, data: x),
                        adjacency: blocks)
  }
}

/// A batch of encoded architectures.
public struct EncodedArchs {
  /// Number of architectures.
  public let count: Int
  /// Node features (NB201, 9 rows per arch) or arch features (OFA, 1 row per arch).
  public let features: Tensor
  /// Block adjacency (NB201 only).
  public let adjacency: BlockMatrices?
}
