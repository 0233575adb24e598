#!/usr/bin/env bash
# Builds the libFuzzer binary fuzz/.build/helpprof-fuzz from the parser sources (TensorFile, DeviceProfile,
# MeasurementsCSV, predictor metadata, strict numbers, profile CSV rows; SearchSpace for the OFA width checks) compiled as one module with -sanitize=fuzzer,address.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/fuzz/.build"
mkdir -p "$out"
srcs=(
  "$root"/Sources/TensorFile/*.swift
  "$root"/Sources/SafeIO/*.swift
  "$root/Sources/Onboarding/DeviceProfile.swift"
  "$root/Sources/Onboarding/MeasurementQuality.swift"
  "$root/Sources/Onboarding/OnboardingError.swift"
  "$root/Sources/Onboarding/MeasurementsCSV.swift"
  "$root/Sources/Counters/SampleStats.swift"
  "$root"/Sources/SearchSpace/*.swift
  "$root/fuzz/FuzzMain.swift"
)
srcs+=("$root/Sources/Onboarding/PredictorMetadata.swift" "$root/Sources/Onboarding/ValidationMetrics.swift"
       "$root/Sources/Predictor/RankMetrics.swift"
       "$root/fuzz/FuzzPredictor.swift")
# Profiler's CSV row parser (the canary columns and 19-column legacy rows): its files import SearchSpace, which this
# one-module build compiles in, so the import lines are dropped from copies.
gen="$out/gen"
mkdir -p "$gen"
for f in ProfileRow ArchSpec; do
  sed '/^import SearchSpace$/d' "$root/Sources/Profiler/$f.swift" > "$gen/$f.swift"
  srcs+=("$gen/$f.swift")
done
swiftc -sanitize=fuzzer,address -parse-as-library -O -g -module-name HelpprofFuzz "${srcs[@]}" \
  -o "$out/helpprof-fuzz" 2> >(grep -v "Cannot export local symbol" >&2)
echo "built $out/helpprof-fuzz"
