/// MACs and parameter counts of an NB201 network (spec A1, A5), computed layer by layer.
///
/// Convention (NB-flop `get_model_infos`): MACs = multiply–accumulates of Conv2d and Linear layers
/// (k·k·Cin·Cout/g·Hout·Wout, plus Cout·Hout·Wout for a conv bias — NB201 convs have none; linear in·out + out).
/// `none`, `skip_connect`, `avg_pool_3x3`, BN, ReLU, pooling and adds cost 0 MACs. Params = all trainable
/// parameters: conv weights, BN γ and β, classifier weight and bias (running statistics excluded).
/// NB201 reports these as "FLOPs" (M) and "params" (MB) = value / 1e6.
///
/// Example: index 11472 on CIFAR-10 = 78,561,930 MACs and 559,386 params (78.56 M, 0.559 MB).
public struct NB201Cost: Hashable, Sendable, Codable {
  /// Multiply–accumulates of one forward pass at batch 1.
  public let macs: Int
  /// Trainable parameters.
  public let params: Int

  public init(macs: Int, params: Int) {
    self.macs = macs
    self.params = params
  }

  /// Cost of the TinyNetwork(C=16, N=5) built from `cell` for `dataset`.
  /// With `liveOnly`, cell edges that are not live (`NB201Cell.liveEdges`) are left out — the cost a
  /// pruning runtime would see; the default counts every edge, like the reference and NB201's tables.
  public init(cell: NB201Cell, dataset: NB201Dataset, liveOnly: Bool = false) {
    let live = liveOnly ? cell.liveEdges : [Bool](repeating: true, count: 6)
    var macs = 0, params = 0
    /// Adds a bias-free conv (+ BN params when `bn`).
    func conv(k: Int, cin: Int, cout: Int, side: Int, bn: Bool = true) {
      macs += k * k * cin * cout * side * side
      params += k * k * cin * cout + (bn ? 2 * cout : 0)
    }
    let h = dataset.inputSize
    conv(k: 3, cin: 3, cout: NB201Cost.stemChannels, side: h)  // stem conv + BN
    for (stage, (c, side)) in NB201Cost.stages(for: dataset).enumerated() {
      if stage > 0 {  // ResNet reduction block C/2 → C, stride 2
        conv(k: 3, cin: c / 2, cout: c, side: side)  // conv_a (stride 2) + BN
        conv(k: 3, cin: c, cout: c, side: side)  // conv_b + BN
        conv(k: 1, cin: c / 2, cout: c, side: side, bn: false)  // shortcut after avgpool 2×2
      }
      for _ in 0..<NB201Cost.cellsPerStage {
        for (k, op) in cell.ops.enumerated() where live[k] {
          switch op {
          case .conv3x3: conv(k: 3, cin: c, cout: c, side: side)
          case .conv1x1: conv(k: 1, cin: c, cout: c, side: side)
          case .none, .skipConnect, .avgPool3x3: break
          }
        }
      }
    }
    let last = NB201Cost.stemChannels * 4
    params += 2 * last  // lastact BN
    let classes = dataset.numClasses
    macs += last * classes + classes  // classifier with bias
    params += last * classes + classes
    self.macs = macs
    self.params = params
  }

  /// Cost of the cell at NB201 index `index`; throws when the index is out of range.
  public init(index: Int, dataset: NB201Dataset, liveOnly: Bool = false) throws {
    self.init(cell: try NB201Index.cell(at: index), dataset: dataset, liveOnly: liveOnly)
  }

  /// MACs in millions, NB201's "FLOPs (M)".
  public var megaMACs: Double { Double(macs) / 1e6 }
  /// Parameters in millions, NB201's "params (MB)".
  public var megaParams: Double { Double(params) / 1e6 }

  /// Stem output channels (TinyNetwork C).
  public static let stemChannels = 16
  /// Cells per stage (TinyNetwork N).
  public static let cellsPerStage = 5

  /// (channels, feature-map side) of the three cell stages: 16/32/64 channels at H, H/2, H/4.
  public static func stages(for dataset: NB201Dataset) -> [(channels: Int, side: Int)] {
    let h = dataset.inputSize
    return [(stemChannels, h), (stemChannels * 2, h / 2), (stemChannels * 4, h / 4)]
  }
}

extension NB201Cell {
  /// MACs and params of this cell's network on `dataset` (every edge counted, see `NB201Cost`).
  public func cost(on dataset: NB201Dataset) -> NB201Cost { NB201Cost(cell: self, dataset: dataset) }
}
