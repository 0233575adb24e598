import Foundation

/// A named kernel configuration: which kernel variant each op kind uses.
///
/// The definitions live in `kernels/configs/<name>.json`; because SwiftPM does not ship those files next to the
/// binary, the same definitions are built in here (`builtIn`), and a test asserts the JSON files and this table
/// agree. `KernelConfig.load(from:)` reads a JSON file for experiments.
public struct KernelConfig: Codable, Sendable, Equatable {
  /// Kernel for a dense (groups = 1) convolution.
  public enum Dense: String, Codable, Sendable, CaseIterable {
    /// Naive direct convolution (`ck_conv2d_ref`).
    case reference
    /// im2col + OpenBLAS `cblas_sgemm` (`ck_conv2d_im2col_openblas`; 1×1 convs skip im2col).
    case openblas
    /// Our SIMD GEMM with weights packed at plan time (`ck_conv2d_packed_simd`): stride-1 convs as implicit GEMM
    /// (no im2col), others via per-panel im2col; AVX-512 / AVX2+FMA / portable chosen at run time.
    case simd
  }

  /// Kernel for a depthwise convolution.
  public enum Depthwise: String, Codable, Sendable, CaseIterable {
    /// Naive direct depthwise (`ck_dwconv_ref`).
    case reference
    /// Our SIMD depthwise (`ck_dwconv_simd`).
    case simd
  }

  /// Kernel for a fully connected layer (classifier, OFA feature mix).
  public enum Linear: String, Codable, Sendable, CaseIterable {
    case reference
    case openblas
  }

  public let name: String
  public let description: String
  /// Dense convs with a kernel larger than 1×1 (or 1×1 with stride/padding).
  public let conv: Dense
  /// 1×1 stride-1 unpadded convs (pointwise).
  public let pointwise: Dense
  public let depthwise: Depthwise
  public let linear: Linear

  public init(name: String, description: String, conv: Dense, pointwise: Dense, depthwise: Depthwise,
              linear: Linear) {
    self.name = name
    self.description = description
    self.conv = conv
    self.pointwise = pointwise
    self.depthwise = depthwise
    self.linear = linear
  }

  /// The built-in configurations, mirroring `kernels/configs/*.json`.
  public static let builtIn: [KernelConfig] = [
    KernelConfig(name: "reference",
                 description: "Naive C kernels everywhere: direct conv, direct depthwise, dot-product linear.",
                 conv: .reference, pointwise: .reference, depthwise: .reference, linear: .reference),
    KernelConfig(name: "openblas",
                 description: "im2col + OpenBLAS sgemm for every dense conv (1x1 convs skip im2col), reference depthwise, OpenBLAS linear.",
                 conv: .openblas, pointwise: .openblas, depthwise: .reference, linear: .openblas),
    KernelConfig(name: "simd",
                 description: "Our own SIMD kernels: packed-weight SIMD GEMM conv (implicit GEMM for stride 1, per-panel im2col otherwise) for all dense convs, SIMD depthwise (AVX-512 / AVX2+FMA / portable chosen at run time), reference linear.",
                 conv: .simd, pointwise: .simd, depthwise: .simd, linear: .reference),
    KernelConfig(name: "default",
                 description: "Fastest measured mix: our SIMD implicit-GEMM conv for k>1 convs, OpenBLAS sgemm for 1x1 convs, SIMD depthwise, OpenBLAS linear.",
                 conv: .simd, pointwise: .openblas, depthwise: .simd, linear: .openblas),
  ]

  /// Names of the built-in configurations.
  public static var availableNames: [String] { builtIn.map(\.name) }

  /// The built-in configuration called `name`; throws listing the known names otherwise.
  public static func named(_ name: String) throws -> KernelConfig {
    guard let config = builtIn.first(where: { $0.name == name }) else {
      throw RuntimeError("unknown kernel configuration '\(name)': expected one of \(availableNames.joined(separator: ", "))")
    }
    return config
  }

  /// The "default" configuration (fastest measured mix).
  public static var standard: KernelConfig { builtIn[builtIn.count - 1] }

  /// Reads a configuration from a JSON file (same schema as `kernels/configs/*.json`).
  public static func load(from url: URL) throws -> KernelConfig {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw RuntimeError("cannot read kernel configuration \(url.path): \(error.localizedDescription)")
    }
    do { return try JSONDecoder().decode(KernelConfig.self, from: data) } catch {
      throw RuntimeError("kernel configuration \(url.path) is not valid: \(error)")
    }
  }
}
