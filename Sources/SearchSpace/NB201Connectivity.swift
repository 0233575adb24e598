/// Graph facts about an NB201 cell: which nodes the input reaches, which edges a pruning runtime keeps.
///
/// The cell is a DAG on nodes 0 (input) … 3 (output) with one op per edge (see `NB201Cell.edges`).
/// An edge "conducts" when its op is not `none`. The PyTorch reference executes all six ops regardless
/// (spec A2); these properties describe what a dead-code-eliminating runtime (TFLite/OpenVINO style) keeps.
extension NB201Cell {
  /// Number of nodes in a cell (input 0, intermediate 1 and 2, output 3).
  public static let nodeCount = 4

  /// For each node, whether it is reachable from the input node 0 through non-`none` edges.
  /// Node 0 is always reachable.
  public var reachableFromInput: [Bool] {
    var reach = [Bool](repeating: false, count: NB201Cell.nodeCount)
    reach[0] = true
    // Edges are listed in increasing target order, so one pass in edge order suffices.
    for (k, edge) in NB201Cell.edges.enumerated() where ops[k] != .none && reach[edge.from] {
      reach[edge.to] = true
    }
    return reach
  }

  /// For each node, whether the output node 3 is reachable from it through non-`none` edges.
  /// Node 3 always reaches itself.
  public var reachesOutput: [Bool] {
    var reach = [Bool](repeating: false, count: NB201Cell.nodeCount)
    reach[NB201Cell.nodeCount - 1] = true
    // Visit edges by decreasing target so every target is settled before its sources are examined.
    for k in NB201Cell.edges.indices.reversed() {
      let edge = NB201Cell.edges[k]
      if ops[k] != .none && reach[edge.to] { reach[edge.from] = true }
    }
    return reach
  }

  /// Whether the output node 3 is reachable from the input node 0 through non-`none` edges.
  /// False for 341 of the 15,625 cells (NB201 `Structure.check_valid`): those cells output all zeros.
  public var isOutputConnected: Bool { reachableFromInput[NB201Cell.nodeCount - 1] }

  /// Six flags, in edge order: edge k is live when its op is not `none`, its source node is reachable from
  /// the input and its target node reaches the output — the ops a pruning runtime would keep.
  /// A disconnected cell (`isOutputConnected == false`) has no live edges.
  public var liveEdges: [Bool] {
    let fwd = reachableFromInput
    let bwd = reachesOutput
    return NB201Cell.edges.enumerated().map { k, edge in
      ops[k] != .none && fwd[edge.from] && bwd[edge.to]
    }
  }

  /// Number of live edges carrying `op` (e.g. effective 3×3 convolutions).
  public func liveCount(of op: NB201Op) -> Int {
    zip(ops, liveEdges).reduce(0) { $0 + ($1.0 == op && $1.1 ? 1 : 0) }
  }

  /// Number of edges carrying `op`, live or not.
  public func count(of op: NB201Op) -> Int {
    ops.reduce(0) { $0 + ($1 == op ? 1 : 0) }
  }
}
