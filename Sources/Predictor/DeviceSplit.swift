import Foundation

/// A named split of the public NB201 devices into meta-train (source) and meta-test (target) devices
/// (`helpprof meta-train --split`, `helpprof evaluate --split`).
///
/// Families of the 27 public NB201 devices (HELP / HW-NAS-Bench names):
/// * gpus (15): 1080ti, 2080ti, titan_rtx, titanx, titanxp, each at batch 1, 32 and 256 (suffix `_1/_32/_256`);
/// * cpus (5): gold_6226, gold_6240, silver_4114, silver_4210r (server CPUs) and raspi4 (ARM board CPU);
/// * phones (5): pixel2, pixel3, samsung_a50, samsung_s7, essential_ph_1;
/// * accelerators (2): fpga, eyeriss.
/// Batch 1: the `_1` GPUs and the edge devices (phones, raspi4, fpga, eyeriss), which HW-NAS-Bench measures at
/// batch 1; large batch: the `_32` and `_256` GPUs. The server CPUs' batch size is not recorded in the data, so
/// the batch split leaves them out of both sides.
public struct DeviceSplit: Sendable, Equatable {
  public let name: String
  public let train: [String]
  public let test: [String]
  public let summary: String

  public static let gpus = ["1080ti", "2080ti", "titan_rtx", "titanx", "titanxp"].flatMap { g in
    ["1", "32", "256"].map { "\(g)_\($0)" }
  }
  public static let cpus = ["gold_6226", "gold_6240", "silver_4114", "silver_4210r", "raspi4"]
  public static let phones = ["pixel2", "pixel3", "samsung_a50", "samsung_s7", "essential_ph_1"]
  public static let accelerators = ["fpga", "eyeriss"]
  public static let batch1 = gpus.filter { $0.hasSuffix("_1") } + phones + ["raspi4"] + accelerators
  public static let largeBatch = gpus.filter { !$0.hasSuffix("_1") }

  /// The family splits (the `help` split comes from the dataset: `named(_:data:)`).
  public static let family: [DeviceSplit] = [
    DeviceSplit(name: "gpus-to-others", train: gpus, test: cpus + phones + accelerators,
                summary: "15 GPU settings → CPUs, phones and accelerators"),
    DeviceSplit(name: "phones-cpus-to-gpus", train: phones + cpus, test: gpus,
                summary: "phones and CPUs → 15 GPU settings"),
    DeviceSplit(name: "batch1-to-large-batch", train: batch1, test: largeBatch,
                summary: "batch-1 devices (GPUs at batch 1, phones, raspi4, fpga, eyeriss) → GPUs at batch 32/256"),
  ]

  /// Names `--split` accepts for NB201.
  public static let names = ["help"] + family.map(\.name)

  /// The split `name` of `data`: `help` = HELP's meta-test devices vs every other public device (the honest
  /// recipe's sources); the family splits are NB201 only. Every device must be a column of `data`.
  public static func named(_ name: String, data: LatencyDataset) throws -> DeviceSplit {
    if name == "help" {
      return DeviceSplit(name: "help", train: data.devices.filter { !data.metaTest.contains($0) }, test: data.metaTest,
                         summary: "HELP's meta-test devices; sources = every other public device")
    }
    guard let s = family.first(where: { $0.name == name }) else {
      throw PredictorError("split '\(name)': expected one of \(names.joined(separator: ", "))")
    }
    guard data.space == .nb201 else { throw PredictorError("split '\(name)' is defined for nb201 only") }
    for d in s.train + s.test where !data.devices.contains(d) {
      throw PredictorError("split '\(name)': device \(d) is not in the dataset")
    }
    return s
  }
}
