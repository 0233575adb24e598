/// MACs and parameters of an OFA MobileNetV3 subnet (spec B6), from its `OFAShape`.
///
/// MACs (OFA-lut `count_flops_given_config`, what OFA calls "FLOPs"): conv Cin·Cout·k²·Hout·Wout / groups and
/// linear in·out; biases, BN, activations, pooling, the SE multiply and residual adds are not counted. Terms:
/// first conv; per block [expand 1×1 at the input side] + depthwise at the output side + [SE reduce + expand at
/// 1×1] + project 1×1 at the output side; final expand; feature mix at 1×1; classifier.
/// Params (OFA-flopcnt) = every parameter: conv and linear weights, biases (SE convs, classifier) and BN γ/β.
///
/// Example (HELP's Gold 6226 config at r = 224): 220,435,296 MACs / 5,486,080 params at w1.0,
/// 336,258,352 MACs / 7,600,928 params at w1.2.
public struct OFACost: Hashable, Sendable, Codable {
  public let macs: Int
  public let params: Int

  public init(macs: Int, params: Int) {
    self.macs = macs
    self.params = params
  }

  /// Cost of a validated config; throws the validation error otherwise.
  public init(config: OFAConfig) throws {
    self.init(shape: try OFAShape(config: config))
  }

  /// Cost of concrete shapes.
  public init(shape: OFAShape) {
    var macs = 0, params = 0
    let c0 = shape.firstConvChannels, s0 = shape.firstConvSide
    macs += 3 * c0 * 9 * s0 * s0
    params += 3 * c0 * 9 + 2 * c0
    for b in shape.blocks {
      if b.hasExpand {
        macs += b.inChannels * b.midChannels * b.inSide * b.inSide
        params += b.inChannels * b.midChannels + 2 * b.midChannels
      }
      macs += b.midChannels * b.kernel * b.kernel * b.outSide * b.outSide
      params += b.midChannels * b.kernel * b.kernel + 2 * b.midChannels
      if b.hasSE {
        macs += 2 * b.midChannels * b.seChannels
        params += 2 * b.midChannels * b.seChannels + b.seChannels + b.midChannels
      }
      macs += b.midChannels * b.outChannels * b.outSide * b.outSide
      params += b.midChannels * b.outChannels + 2 * b.outChannels
    }
    let c6 = shape.lastBlockChannels, fe = shape.finalExpandChannels, fm = shape.featureMixChannels
    let side = shape.finalSide
    macs += c6 * fe * side * side
    params += c6 * fe + 2 * fe
    macs += fe * fm
    params += fe * fm
    macs += fm * shape.numClasses
    params += fm * shape.numClasses + shape.numClasses
    self.macs = macs
    self.params = params
  }

  /// MACs in millions (OFA's "MFLOPs").
  public var megaMACs: Double { Double(macs) / 1e6 }
  /// Parameters in millions.
  public var megaParams: Double { Double(params) / 1e6 }
}

extension OFAConfig {
  /// MACs and params of this config; throws when it is not valid.
  public func cost() throws -> OFACost { try OFACost(config: self) }
}
