// Predictor: the HELP meta-predictor.
