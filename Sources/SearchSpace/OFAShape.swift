/// The concrete layer shapes of an OFA MobileNetV3 subnet (spec B1–B3, B5): what a runtime builds and
/// what `OFACost` counts.
public struct OFAShape: Hashable, Sendable, Codable {
  /// Input resolution r (the input is 3×r×r).
  public let resolution: Int
  /// Output channels of the first 3×3 stride-2 conv (16 at w1.0, 24 at w1.2).
  public let firstConvChannels: Int
  /// Output side of the first conv: ceil(r / 2).
  public let firstConvSide: Int
  /// Active MBConv blocks in order: the fixed S0 block first, then the first d[s] blocks of each stage.
  public let blocks: [OFABlock]
  /// Final expand 1×1 conv output channels (960 / 1152), at the last block's side.
  public let finalExpandChannels: Int
  /// Feature mix 1×1 conv output channels (1280 / 1536), applied after global pooling on a 1×1 map.
  public let featureMixChannels: Int
  /// Classifier outputs.
  public let numClasses: Int

  /// Side of the last feature map (final expand runs at this size).
  public var finalSide: Int { blocks.last?.outSide ?? firstConvSide }
  /// Channels entering the final expand conv.
  public var lastBlockChannels: Int { blocks.last?.outChannels ?? firstConvChannels }

  /// Builds the shapes of a validated config; throws the validation error otherwise.
  public init(config: OFAConfig) throws {
    try config.validate()
    let w = OFASpace.channels(config.width)
    resolution = config.resolution
    firstConvChannels = w[0]
    firstConvSide = OFAShape.outputSide(config.resolution, stride: 2)
    var blocks: [OFABlock] = []
    // S0: depthwise 3×3 + project, e = 1, identity residual.
    blocks.append(OFABlock(stage: 0, slot: nil, inChannels: w[0], outChannels: w[1], midChannels: w[0],
                           seChannels: 0, kernel: 3, stride: 1, inSide: firstConvSide, outSide: firstConvSide,
                           hasExpand: false, activation: OFASpace.activations[0], residual: w[0] == w[1]))
    var cin = w[1], side = firstConvSide
    for s in 1...OFASpace.stageCount {
      let cout = w[s + 1]
      for j in 0..<config.d[s - 1] {
        let slot = OFASpace.blocksPerStage * (s - 1) + j
        let stride = j == 0 ? OFASpace.strides[s] : 1
        let outSide = OFAShape.outputSide(side, stride: stride)
        let mid = OFASpace.makeDivisible((Double(cin * config.e[slot])).rounded())
        let se = OFASpace.usesSE[s] ? OFASpace.makeDivisible(Double(mid / 4)) : 0
        blocks.append(OFABlock(stage: s, slot: slot, inChannels: cin, outChannels: cout, midChannels: mid,
                               seChannels: se, kernel: config.ks[slot], stride: stride, inSide: side,
                               outSide: outSide, hasExpand: true, activation: OFASpace.activations[s],
                               residual: stride == 1 && cin == cout))
        cin = cout
        side = outSide
      }
    }
    self.blocks = blocks
    finalExpandChannels = w[7]
    featureMixChannels = w[8]
    numClasses = OFASpace.numClasses
  }

  /// Output side of a stride-s conv with odd kernel and padding k//2: ceil(side / s).
  public static func outputSide(_ side: Int, stride: Int) -> Int { (side - 1) / stride + 1 }
}

/// One MBConv block: [expand 1×1 → BN → act] → depthwise k×k stride s → BN → act → [SE] → project 1×1 → BN
/// [→ + input].
public struct OFABlock: Hashable, Sendable, Codable {
  /// 0 for the fixed first block, 1…5 for the elastic stages.
  public let stage: Int
  /// List position 0..<20 in ks/e, nil for the S0 block.
  public let slot: Int?
  public let inChannels: Int
  public let outChannels: Int
  /// Channels of the depthwise conv (= input channels when there is no expand conv).
  public let midChannels: Int
  /// SE bottleneck channels, 0 when the block has no SE.
  public let seChannels: Int
  /// Depthwise kernel size.
  public let kernel: Int
  public let stride: Int
  public let inSide: Int
  public let outSide: Int
  /// Whether the block starts with a 1×1 expand conv (false only for the S0 block, e = 1).
  public let hasExpand: Bool
  public let activation: OFAActivation
  /// Identity shortcut (stride 1 and equal channels).
  public let residual: Bool

  /// Whether the block has squeeze-and-excite.
  public var hasSE: Bool { seChannels > 0 }
}
