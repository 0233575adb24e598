#!/usr/bin/env bash
# Runs the fuzzer for SECONDS (default 600) on the seed corpus; new inputs go to fuzz/.build/corpus, crashes
# to fuzz/.build/crash-*. Usage: bash fuzz/run.sh [SECONDS] [extra libFuzzer flags]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-600}"; shift || true
bash "$root/fuzz/build.sh"
mkdir -p "$root/fuzz/.build/corpus"
cd "$root/fuzz/.build"
./helpprof-fuzz -max_total_time="$secs" -max_len=16384 -timeout=10 -artifact_prefix="$root/fuzz/.build/" \
  -print_final_stats=1 "$@" corpus "$root/fuzz/corpus"
