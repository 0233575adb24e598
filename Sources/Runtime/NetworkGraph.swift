import Foundation
import SafeIO

/// One node of the ONNX-style description of a planned network (ONNX op names and attributes).
struct GraphNode: Codable {
  var op: String
  var name: String
  var inputs: [String]
  var outputs: [String]
  var ints: [String: [Int]] = [:]
  var floats: [String: Double] = [:]
}

/// A constant tensor (weights, biases, BN parameters): shape and where its floats live in weights.bin.
struct GraphInitializer: Codable {
  var name: String
  var shape: [Int]
  /// Offset in floats into weights.bin.
  var offset: Int
  var count: Int
}

/// The computation a Network runs, written as ONNX-style nodes, so tools/compare_onnxruntime.py can rebuild
/// exactly the same network (same weights) in ONNX. Built alongside the layers; not used by `run()`.
struct NetworkGraph {
  var nodes: [GraphNode] = []
  var initializers: [GraphInitializer] = []
  /// Data of each initializer, in the same order (pointers into the network's arena).
  var data: [UnsafePointer<Float>] = []
  var floatCount = 0
  var inputName = "input"
  var inputShape: [Int] = []
  var outputName = ""
  var outputShape: [Int] = []
  var inputCount: Int { inputShape.reduce(1, *) }

  mutating func addInitializer(_ name: String, shape: [Int], data pointer: UnsafePointer<Float>) {
    let count = shape.reduce(1, *)
    initializers.append(GraphInitializer(name: name, shape: shape, offset: floatCount, count: count))
    data.append(pointer)
    floatCount += count
  }
}

/// The manifest written by `Network.dump(to:)` (graph.json).
struct GraphManifest: Codable {
  var format = "helpprof-graph-1"
  var summary: String
  var options: RuntimeOptions
  var macs: Int
  var inputName: String
  var inputShape: [Int]
  var outputName: String
  var outputShape: [Int]
  var nodes: [GraphNode]
  var initializers: [GraphInitializer]
}

extension Network {
  /// Runs once and writes graph.json (nodes, initializer table), weights.bin (all initializers, float32
  /// little-endian, concatenated), input.bin and output.bin (float32) into `directory` (created if needed).
  /// A developer aid for tools/compare_onnxruntime.py.
  public func dump(to directory: String) throws {
    run()
    let dir = URL(fileURLWithPath: directory)
    do {
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      let manifest = GraphManifest(summary: summary, options: options, macs: macs, inputName: graph.inputName,
                                   inputShape: graph.inputShape, outputName: graph.outputName,
                                   outputShape: graph.outputShape, nodes: graph.nodes,
                                   initializers: graph.initializers)
      let enc = JSONEncoder()
      enc.outputFormatting = [.prettyPrinted, .sortedKeys]
      try AtomicFile.write(enc.encode(manifest), to: dir.appendingPathComponent("graph.json").path)
      var weights = Data(capacity: graph.floatCount * 4)
      for (ini, p) in zip(graph.initializers, graph.data) {
        weights.append(UnsafeBufferPointer(start: p, count: ini.count))
      }
      try AtomicFile.write(weights, to: dir.appendingPathComponent("weights.bin").path)
      try AtomicFile.write(Data(buffer: UnsafeBufferPointer(start: inputPointer, count: graph.inputCount)),
                           to: dir.appendingPathComponent("input.bin").path)
      try AtomicFile.write(Data(buffer: UnsafeBufferPointer(start: outputPointer, count: outputCount)),
                           to: dir.appendingPathComponent("output.bin").path)
    } catch let e as IOFailure {
      throw RuntimeError("cannot write network dump to \(directory): \(e.description)")
    } catch {
      throw RuntimeError("cannot write network dump to \(directory): \(error.localizedDescription)")
    }
  }
}
