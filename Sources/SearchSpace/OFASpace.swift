/// Constants of the OFA MobileNetV3 search space `ofa_mbv3_d234_e346_k357_w1.0` / `_w1.2` (spec B1–B5).
public enum OFASpace {
  /// Elastic stages S1…S5.
  public static let stageCount = 5
  /// Block slots per elastic stage.
  public static let blocksPerStage = 4
  /// Block slots in all: list positions i = 4·(stage − 1) + j.
  public static let slotCount = stageCount * blocksPerStage
  /// Depthwise kernel sizes.
  public static let kernelChoices = [3, 5, 7]
  /// Expand ratios.
  public static let expandChoices = [3, 4, 6]
  /// Active blocks per stage.
  public static let depthChoices = [2, 3, 4]
  /// Input resolutions: 128, 132, …, 224 (25 sizes, OFA's `IMAGE_SIZE_SEG = 4`).
  public static let resolutions = Array(stride(from: 128, through: 224, by: 4))
  /// Classifier outputs (ImageNet).
  public static let numClasses = 1000

  /// `make_divisible(v, 8)` of OFA-pt: round to the nearest multiple of 8 (at least 8), never more than
  /// 10 % below `v`.
  public static func makeDivisible(_ v: Double, divisor: Int = 8) -> Int {
    var n = max(divisor, Int(v + Double(divisor) / 2) / divisor * divisor)
    if Double(n) < 0.9 * v { n += divisor }
    return n
  }

  /// Channel widths for a width multiplier: first conv, first block, S1…S5, final expand, feature mix
  /// (w1.0: 16 16 24 40 80 112 160 960 1280; w1.2: 24 24 32 48 96 136 192 1152 1536).
  public static func channels(_ width: OFAWidth) -> [Int] {
    [16, 16, 24, 40, 80, 112, 160, 960, 1280].map { makeDivisible(Double($0) * width.multiplier) }
  }

  /// Stride of the first block of each stage S0…S5.
  public static let strides = [1, 2, 2, 2, 1, 2]
  /// Whether stage S0…S5 uses squeeze-and-excite.
  public static let usesSE = [false, false, true, false, true, true]
  /// Activation of stage S0…S5.
  public static let activations: [OFAActivation] = [.relu, .relu, .relu, .hswish, .hswish, .hswish]
}

/// The activation inside an OFA block (SE blocks still use ReLU + h_sigmoid internally).
public enum OFAActivation: String, Sendable, Codable, Hashable {
  case relu
  case hswish = "h_swish"
}
