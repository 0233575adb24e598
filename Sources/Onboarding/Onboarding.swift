// Onboarding: device profiles (embed) and adaptation (adapt) that tie profiler and predictor together.
