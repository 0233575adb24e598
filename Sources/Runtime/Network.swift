import COpenBLAS
import SearchSpace

/// A planned network: shapes validated, every buffer allocated at build time; `run()` allocates nothing.
///
/// Build one with `Network.nb201(_:dataset:options:)` or `Network.ofa(_:options:)`. Layout is NCHW float32.
/// Weights and the input are seeded (SplitMix64, `options.seed`), so outputs are deterministic for a seed.
public final class Network {
  /// One executable step: a name (e.g. "cell3.e1.conv3x3"), an op kind (e.g. "conv3x3") and its body.
  struct Layer {
    let name: String
    let kind: String
    let body: () -> Void
  }

  let layers: [Layer]
  let arena: Arena
  let workspace: Workspace
  let inputPointer: UnsafeMutablePointer<Float>
  let outputPointer: UnsafeMutablePointer<Float>
  let outputCount: Int
  /// The ONNX-style graph of the same computation (for `dump(to:)` and cross-checks).
  let graph: NetworkGraph

  public let options: RuntimeOptions
  /// MACs of the conv/linear layers actually planned (whole batch). Convention per space: NB201 counts the
  /// classifier bias (NB-flop), OFA does not (OFA-lut); neither counts BN, activations, pooling or adds.
  public let macs: Int
  /// Human-readable description of what was built (arch string or OFA config).
  public let summary: String
  /// Classes per image (length of one output row).
  public let classes: Int

  init(layers: [Layer], arena: Arena, workspace: Workspace, input: UnsafeMutablePointer<Float>,
       output: UnsafeMutablePointer<Float>, outputCount: Int, classes: Int, graph: NetworkGraph,
       options: RuntimeOptions, macs: Int, summary: String) {
    self.layers = layers
    self.arena = arena
    self.workspace = workspace
    self.inputPointer = input
    self.outputPointer = output
    self.outputCount = outputCount
    self.classes = classes
    self.graph = graph
    self.options = options
    self.macs = macs
    self.summary = summary
  }

  /// Number of executable steps (convs, activations, adds, pools, ...).
  public var layerCount: Int { layers.count }

  /// Bytes of memory reserved for weights, activations and scratch.
  public var memoryBytes: Int { arena.reservedBytes }

  /// One forward pass on the internal seeded input. Allocates nothing.
  public func run() {
    RuntimeInfo.configureOpenBLAS(threads: options.threads)
    for layer in layers { layer.body() }
  }

  /// Logits of the last run (batch × classes).
  public var output: [Float] { Array(UnsafeBufferPointer(start: outputPointer, count: outputCount)) }

  /// The seeded input (batch × C × H × W).
  public var input: [Float] { Array(UnsafeBufferPointer(start: inputPointer, count: graph.inputCount)) }

  /// Runs once, timing every layer with `now()` (ns); returns (layer name, op kind, ns) in execution order.
  public func runTimingLayers(now: () -> UInt64) -> [(name: String, kind: String, nanoseconds: UInt64)] {
    RuntimeInfo.configureOpenBLAS(threads: options.threads)
    var times: [(name: String, kind: String, nanoseconds: UInt64)] = []
    times.reserveCapacity(layers.count)
    for layer in layers {
      let t0 = now()
      layer.body()
      let t1 = now()
      times.append((layer.name, layer.kind, t1 &- t0))
    }
    return times
  }

  /// (name, kind) of every layer in execution order.
  public var layerNames: [(name: String, kind: String)] { layers.map { ($0.name, $0.kind) } }
}
