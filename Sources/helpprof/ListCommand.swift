import ArgumentParser
import Foundation
import Predictor
import SearchSpace

/// `helpprof list`: what ships with helpprof — the bundled meta-predictors and the public devices.
struct ListCommand: ParsableCommand, JSONOutputHelp {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List the bundled meta-predictors (name, space, recipe) and the public devices of the datasets.",
    discussion: """
      Examples:
        helpprof list
        helpprof list --json
      """)

  @Option(help: "Datasets folder (default: profiles/datasets, found as `evaluate` finds it).") var dataDir: String?
  static let jsonHelp: ArgumentHelp = "Print JSON."
  @OptionGroup var output: JSONOutput<ListCommand>

  struct Model: Encodable {
    var space: String
    var name: String
    var recipe: String
    var normalisation: String
    var episodes: Int?
    var poolSources: Int
    var referenceArchs: [Int]
    var file: String
  }

  struct Device: Encodable {
    var name: String
    /// HELP's split: meta-train, meta-valid, meta-test (the devices `evaluate` reports), or other.
    var split: String
  }

  struct Listing: Encodable {
    var metaPredictors: [Model]
    var devices: [String: [Device]]
    var archCounts: [String: Int]
    var notes: [String]
  }

  func run() throws {
    var listing = Listing(metaPredictors: [], devices: [:], archCounts: [:], notes: [])
    for space in SpaceKind.allCases {
      do {
        let path = try BundledResources.path(of: "\(space.rawValue)-meta.safetensors")
        let m = try MetaPredictor.load(path: path)
        let md = m.metadata
        let episodes = (md["hyperparameters"] ?? "").split(separator: " ").first { $0.hasPrefix("episodes=") }
          .flatMap { Int($0.dropFirst("episodes=".count)) }
        let pool = (md["extra_sources"] ?? "").split(separator: ";").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
        listing.metaPredictors.append(Model(space: space.rawValue, name: md["name"] ?? "?", recipe: md["recipe"] ?? "?",
                                            normalisation: md["normalisation"] ?? "?", episodes: episodes,
                                            poolSources: pool, referenceArchs: m.referenceIndices, file: path))
      } catch {
        listing.notes.append("\(space.rawValue) meta-predictor: \(error)")
      }
      do {
        let data = try LatencyDataset(space: space, directory: try LatencyDataset.locate(explicit: dataDir))
        listing.archCounts[space.rawValue] = data.archCount
        listing.devices[space.rawValue] = data.devices.map { d in
          Device(name: d, split: data.metaTest.contains(d) ? "meta-test" : data.metaValid.contains(d) ? "meta-valid"
                   : data.metaTrain.contains(d) ? "meta-train" : "other")
        }
      } catch {
        listing.notes.append("\(space.rawValue) datasets: \(error)")
      }
    }
    if output.json { return try printJSON(listing) }
    var lines = ["bundled meta-predictors:"]
    for m in listing.metaPredictors {
      lines.append("  \(m.space)  \(m.name): \(m.recipe) recipe, \(m.normalisation) targets"
        + (m.episodes.map { ", \($0) episodes" } ?? "")
        + (m.poolSources > 0 ? ", public devices + \(m.poolSources) pool configurations" : ", public devices only")
        + ", \(m.referenceArchs.count) reference archs")
      lines.append("        \(m.file)")
    }
    for space in SpaceKind.allCases.map(\.rawValue) {
      guard let devs = listing.devices[space] else { continue }
      lines.append("\npublic \(space) devices (\(devs.count), \(listing.archCounts[space] ?? 0) archs each):")
      for split in ["meta-train", "meta-valid", "meta-test", "other"] {
        let names = devs.filter { $0.split == split }.map(\.name)
        if !names.isEmpty { lines.append("  \(split): " + names.joined(separator: ", ")) }
      }
    }
    if !listing.notes.isEmpty { lines.append("\nnot available:\n  " + listing.notes.joined(separator: "\n  ")) }
    print(lines.joined(separator: "\n"))
  }
}
