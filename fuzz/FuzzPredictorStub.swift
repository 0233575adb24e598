// Used by fuzz/build.sh until the predictor metadata parser exists.
func fuzzPredictorMetadata(_ file: TensorFile) {}
