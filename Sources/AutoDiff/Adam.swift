/// Adam optimiser (Kingma & Ba) over leaf tensors, updated in place.
public final class Adam {
  /// Learning rate.
  public var learningRate: Float
  public let beta1: Float
  public let beta2: Float
  public let epsilon: Float
  private var m: [[Float]]
  private var v: [[Float]]
  private var step = 0
  /// The parameters being optimised.
  public let parameters: [Tensor]

  /// Creates the optimiser with PyTorch's defaults (β1 0.9, β2 0.999, ε 1e-8).
  public init(parameters: [Tensor], learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999,
              epsilon: Float = 1e-8) {
    self.parameters = parameters
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    m = parameters.map { [Float](repeating: 0, count: $0.count) }
    v = m
  }

  /// One update with the given gradients (same order and shapes as `parameters`).
  public func update(gradients grads: [Tensor]) {
    precondition(grads.count == parameters.count, "Adam: \(grads.count) gradients for \(parameters.count) parameters")
    step += 1
    let bc1 = 1 - Float(Double(beta1).power(step))
    let bc2 = 1 - Float(Double(beta2).power(step))
    for k in parameters.indices {
      let p = parameters[k]
      let g = grads[k].data
      var values = p.data
      for i in values.indices {
        m[k][i] = beta1 * m[k][i] + (1 - beta1) * g[i]
        v[k][i] = beta2 * v[k][i] + (1 - beta2) * g[i] * g[i]
        let mh = m[k][i] / bc1
        let vh = v[k][i] / bc2
        values[i] -= learningRate * mh / (vh.squareRoot() + epsilon)
      }
      p.assign(values)
    }
  }
}

extension Double {
  func power(_ n: Int) -> Double {
    var r = 1.0
    for _ in 0..<n { r *= self }
    return r
  }
}
