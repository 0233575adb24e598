@testable import Predictor

/// Meta-training options small enough for a unit test: `episodes` episodes of `metaBatch` tasks with 3 shots.
func tinyOptions(references: [Int], sources: [String], episodes: Int = 2, metaBatch: Int = 2,
                 queryCount: Int) -> MetaTrainingOptions {
  var o = MetaTrainingOptions()
  o.episodes = episodes
  o.metaBatch = metaBatch
  o.queryCount = queryCount
  o.shots = 3
  o.references = references
  o.sources = sources
  return o
}
