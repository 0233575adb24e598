// AutoDiff: a small reverse-mode automatic differentiation library over float32 matrices.
//
// Every value is a row-major `rows × cols` matrix (`Tensor`). Operations record their parents and a backward
// rule; `gradients(of:wrt:createGraph:)` walks the recorded graph in reverse creation order. The backward
// rules are themselves written with differentiable operations, so with `createGraph: true` the gradients are
// new graph nodes that can be differentiated again (second order, as Meta-SGD/MAML need). With
// `createGraph: false` the gradients are constants (first order, cheaper).

/// A float32 matrix that is a node of a differentiation graph.
public final class Tensor {
  /// Number of rows.
  public let rows: Int
  /// Number of columns.
  public let cols: Int
  /// Row-major values, `rows * cols` of them.
  public internal(set) var data: [Float]
  /// Whether gradients flow into this node (leaf parameters, or anything computed from one while recording).
  public let requiresGrad: Bool
  let parents: [Tensor]
  /// Given this node, the gradient flowing into it and which parents need a gradient, the gradients of its
  /// parents (nil = not wanted / no gradient).
  let backward: ((Tensor, Tensor, [Bool]) -> [Tensor?])?
  let serial: Int

  nonisolated(unsafe) static var counter = 0
  /// When false, operations record nothing (their results are constants). Used for first-order gradients
  /// and for inference.
  nonisolated(unsafe) public static var recording = true

  /// A leaf tensor (a constant, or a parameter when `requiresGrad` is true).
  public init(rows: Int, cols: Int, data: [Float], requiresGrad: Bool = false) {
    precondition(rows >= 0 && cols >= 0 && data.count == rows * cols, "Tensor: data count must be rows*cols")
    self.rows = rows
    self.cols = cols
    self.data = data
    self.requiresGrad = requiresGrad
    self.parents = []
    self.backward = nil
    Tensor.counter &+= 1
    self.serial = Tensor.counter
  }

  /// A result of an operation. Records the parents only while `Tensor.recording` and when a parent needs grad.
  init(rows: Int, cols: Int, data: [Float], parents: [Tensor],
       backward: @escaping (Tensor, Tensor, [Bool]) -> [Tensor?]) {
    self.rows = rows
    self.cols = cols
    self.data = data
    let needs = Tensor.recording && parents.contains { $0.requiresGrad }
    self.requiresGrad = needs
    self.parents = needs ? parents : []
    self.backward = needs ? backward : nil
    Tensor.counter &+= 1
    self.serial = Tensor.counter
  }

  /// A tensor filled with `value`.
  public static func filled(_ value: Float, rows: Int, cols: Int) -> Tensor {
    Tensor(rows: rows, cols: cols, data: [Float](repeating: value, count: rows * cols))
  }

  /// Number of elements.
  public var count: Int { rows * cols }

  /// The single value of a 1×1 tensor.
  public var scalar: Float {
    precondition(count == 1, "scalar: tensor is \(rows)x\(cols), expected 1x1")
    return data[0]
  }

  /// A constant copy (no graph).
  public func detached() -> Tensor { Tensor(rows: rows, cols: cols, data: data) }

  /// A new leaf with the same values that requires grad.
  public func asParameter() -> Tensor { Tensor(rows: rows, cols: cols, data: data, requiresGrad: true) }

  /// Replaces the values of a leaf in place (for optimisers). Shape must match.
  public func assign(_ values: [Float]) {
    precondition(values.count == data.count, "assign: count mismatch")
    data = values
  }
}

/// Runs `body` with recording switched off (inference, or constants).
public func withoutRecording<T>(_ body: () throws -> T) rethrows -> T {
  let saved = Tensor.recording
  Tensor.recording = false
  defer { Tensor.recording = saved }
  return try body()
}

/// Gradients of the scalar `y` with respect to each tensor of `xs` (zeros where `y` does not depend on it).
///
/// - Parameter createGraph: true to record the backward computation so the gradients can be differentiated
///   again (second order); false for constant gradients.
public func gradients(of y: Tensor, wrt xs: [Tensor], createGraph: Bool) -> [Tensor] {
  precondition(y.count == 1, "gradients: output must be 1x1, got \(y.rows)x\(y.cols)")
  // Collect the nodes that need grad, reachable from y.
  var seen = Set<ObjectIdentifier>()
  var nodes: [Tensor] = []
  var stack: [Tensor] = [y]
  while let n = stack.popLast() {
    guard n.requiresGrad, seen.insert(ObjectIdentifier(n)).inserted else { continue }
    nodes.append(n)
    stack.append(contentsOf: n.parents)
  }
  nodes.sort { $0.serial > $1.serial }  // children are always created after their parents
  // Only nodes with one of `xs` among their ancestors (or being one) need a gradient.
  var needed = Set(xs.map { ObjectIdentifier($0) })
  for n in nodes.reversed() where n.parents.contains(where: { needed.contains(ObjectIdentifier($0)) }) {
    needed.insert(ObjectIdentifier(n))
  }
  let saved = Tensor.recording
  Tensor.recording = createGraph
  defer { Tensor.recording = saved }
  var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(y): Tensor.filled(1, rows: 1, cols: 1)]
  for n in nodes {
    guard needed.contains(ObjectIdentifier(n)), let g = grads[ObjectIdentifier(n)], let rule = n.backward
    else { continue }
    let want = n.parents.map { $0.requiresGrad && needed.contains(ObjectIdentifier($0)) }
    let pg = rule(n, g, want)
    for (k, p) in n.parents.enumerated() {
      guard want[k], let gp = pg[k] else { continue }
      let key = ObjectIdentifier(p)
      if let old = grads[key] { grads[key] = old + gp } else { grads[key] = gp }
    }
  }
  return xs.map { grads[ObjectIdentifier($0)] ?? Tensor.filled(0, rows: $0.rows, cols: $0.cols) }
}
