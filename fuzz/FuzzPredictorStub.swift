// Used by fuzz/build.sh until the predictor metadata parser exists.
func fuzzPredictorMetadata(_ file: TensorFile) {}
func jsonDepthForFuzz(_ text: String) -> Int { 0 }
