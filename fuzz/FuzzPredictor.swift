// Predictor-file metadata verification under fuzzing (compiled by fuzz/build.sh when PredictorMetadata exists).
func fuzzPredictorMetadata(_ file: TensorFile) {
  guard let meta = try? PredictorMetadata(file: file, source: "fuzz") else { return }
  guard let map = try? meta.encoded() else { fatalError("verified metadata failed to encode") }
  var copy = file
  copy.metadata = map
  copy.sealChecksum()
  guard let again = try? PredictorMetadata(file: copy, source: "fuzz"), again.space == meta.space else {
    fatalError("verified metadata does not survive encode/verify")
  }
}

func jsonDepthForFuzz(_ text: String) -> Int { PredictorMetadata.jsonDepth(text) }
