#!/usr/bin/env bash
# The main job on built-in defaults: describe this machine, measure the reference architectures, adapt the
# bundled meta-predictor with 10 shots and validate it on 30 more measurements.
# Usage: bash tools/demo.sh [HELPPROF_BINARY] [OUT_DIR]     (make demo runs it with .build/release/helpprof out)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${1:-.build/release/helpprof}"
out="${2:-out}"
if [ ! -x "$bin" ]; then
  echo "demo: $bin not found or not executable; build it first (make release)" >&2
  exit 1
fi
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
mkdir -p "$out"
cd "$out"
step() { printf '\n== %s\n' "$*"; }
timed() {
  local t0 ms; t0=$(date +%s%N); "$@"; ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  printf '(wall time %d.%03d s)\n' $((ms / 1000)) $((ms % 1000))
}

step "helpprof host"
"$bin" host | tee host.txt

step "helpprof embed  -> $out/device.json"
timed "$bin" embed --out device.json

step "helpprof adapt --shots 10 --validate 30  -> $out/device.helpp"
timed "$bin" adapt --shots 10 --validate 30 --profile device.json --out device.helpp
step "helpprof predict --predictor device.helpp --index 1462"
"$bin" predict --predictor device.helpp --index 1462
if python3 -c "import numpy" 2>/dev/null; then
  step "same prediction with the numpy-only Python loader (tools/helpprof_predictor.py)"
  python3 "$here/helpprof_predictor.py" device.helpp --index 1462
  step "latency-constrained evolutionary search with the Python loader (tools/nas_example.py), 5 % safety margin (about twice the validation MAPE), checked with helpprof run"
  python3 "$here/nas_example.py" device.helpp --top 3 --cycles 500 --margin 0.05 --check --helpprof "$bin"
fi
if [ -f device.helpp.validation.csv ]; then
  step "helpprof report -> $out/report.html"
  "$bin" report --predictor device.helpp --measurements device.helpp.validation.csv --out report.html
fi

printf '\nOutputs in %s:\n' "$(pwd)"
ls -l
