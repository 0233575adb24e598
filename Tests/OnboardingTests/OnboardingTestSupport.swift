import Foundation
import XCTest
@testable import Onboarding
import Predictor
import SearchSpace

/// Shared fixtures for the onboarding tests.
enum Fixture {
  static let host = HostSummary(hostname: "test", cpuModel: "Test CPU 1.0GHz", logicalCPUs: 2, simdLevel: "avx2+fma",
                                openBLASCore: "Haswell", kernel: "6.1", os: "Debian", virtualization: "none detected",
                                frequencyScaling: "unknown", warnings: [])
  static let settings = EmbedSettings(kernels: "default", threads: 1, dataset: "cifar10",
                                      protocolSummary: "wall, 10...100 samples", metaPredictorID: "help-nb201-test")
  static let refs = [11982, 431, 55, 9, 14451, 8636, 9881, 13479, 6196, 1462].map {
    ReferenceArch(index: $0, arch: "arch-\($0)")
  }

  static func profile(settings: EmbedSettings = Fixture.settings) -> DeviceProfile {
    DeviceProfile(space: .nb201, host: host, settings: settings, references: refs, helpprofVersion: "test",
                  now: "2026-01-01T00:00:00Z")
  }

  /// Deterministic fake samples for a reference: around index/1000 + 1 ms.
  static func measurement(for arch: ReferenceArch) throws -> ReferenceMeasurement.Measurement {
    let base = Double(arch.index) / 1000 + 1
    return try ReferenceMeasurement.Measurement(samplesMs: [base, base * 1.01, base * 0.99, base * 1.02],
                                                noisy: false, otherCores: 0.1, macs: arch.index * 1000,
                                                measuredAt: "2026-01-01T00:00:00Z")
  }

  static func tempDir() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("onb-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

extension Fixture {
  /// Synthetic NB201 latency, a deterministic function of MACs (for plumbing tests, not accuracy).
  static func fakeMs(_ arch: String) throws -> Double { Double(try ReferenceSet.macs(arch, space: .nb201)) / 5e7 + 0.3 }

  /// A complete NB201 profile of `meta`'s references measured with `fakeMs` (three samples each).
  static func measuredProfile(meta: MetaPredictor) throws -> DeviceProfile {
    var profile = DeviceProfile(space: .nb201, host: host, settings: settings,
                                references: MetaPredictorCatalog.referenceArchs(of: meta), helpprofVersion: "test")
    for i in profile.references.indices {
      let ms = try fakeMs(profile.references[i].arch.arch)
      profile.references[i].measurement = try .init(samplesMs: [ms, ms * 1.01, ms * 0.99], noisy: false,
                                                     otherCores: nil, macs: nil)
    }
    profile.refreshEmbedding()
    return profile
  }

  /// The metadata `helpprof adapt` writes for `adapted` (meta-predictor id "m", seed 3, the fixture host and settings).
  static func metadata(_ adapted: AdaptedPredictor, space: SpaceKind, references: [ReferenceArch], referenceMs: [Double],
                       shots: [ArchMeasurement] = []) -> PredictorMetadata {
    PredictorMetadata(
      space: space, modelJSON: PredictorFile.modelJSON(adapted, metaPredictorID: "m"),
      targetNormalisationJSON: PredictorFile.normalisationJSON(adapted), referenceArchs: references,
      referenceLatencyMs: referenceMs, deviceEmbedding: adapted.normaliser.embedding.map(Double.init),
      host: Fixture.host,
      provenance: .init(helpprofVersion: "t", metaPredictorID: "m", shots: shots.count, seed: 3,
                        shotStrategy: AdaptFlow.stratifiedStrategy,
                        shotArchs: shots.map { .init(index: $0.index, arch: $0.text, latencyMs: $0.latencyMs) },
                        settings: Fixture.settings, createdAt: "now"),
      validation: nil)
  }
}
