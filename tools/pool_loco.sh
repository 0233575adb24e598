#!/usr/bin/env bash
# Meta-trains a space's predictor on the public devices plus the source-device pool (profiles/pool), and evaluates
# it leave-one-configuration-out: for each pool configuration, a model meta-trained without that configuration
# (public devices + the other pool configurations) is evaluated on it under the honest protocol, next to the
# public-only model of the same recipe and a ridge baseline that may use the other pool configurations. Resumable: finished
# models and evaluations are kept. JOBS=2 runs two trainings at a time (one BLAS thread each).
# EXTRA_SHARE (default 0.5, the bundled recipe) is meta-train's --extra-share: the share of each meta-batch drawn
# from the pool; EXTRA_SHARE= (empty) samples all sources alike. MIX_SHARE is meta-train's --mix-share (share of
# synthetic devices interpolated between two sources) and EPISODES its --episodes; their defaults are the bundled
# recipes: NB201 0.5 and 4000, OFA 0 and 2000. The "without pool" model is the same recipe on the public devices
# only, trained first into OUTDIR (or PUBLIC_MODEL=file to reuse one).
# Usage: [JOBS=N] [REFERENCES=L] [EXTRA_SHARE=S] [MIX_SHARE=M] [EPISODES=E] [PUBLIC_MODEL=F] bash tools/pool_loco.sh nb201|ofa OUTDIR [HELPPROF] [BUDGETS]   (BUDGETS "10 20")
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
space="$1"; out="$(mkdir -p "$2" && cd "$2" && pwd)"; bin="${3:-$here/.build/release/helpprof}"; budgets="${4:-10 20}"
jobs="${JOBS:-1}"
share=(); [ -n "${EXTRA_SHARE-0.5}" ] && share=(--extra-share "${EXTRA_SHARE-0.5}")
if [ "$space" = nb201 ]; then mix=(--mix-share "${MIX_SHARE:-0.5}"); episodes="${EPISODES:-4000}"
else mix=(--mix-share "${MIX_SHARE:-0}"); episodes="${EPISODES:-2000}"; fi
export OPENBLAS_NUM_THREADS=1
cd "$here"   # relative CSV paths, so that the models' recorded commands are portable
refs=()
# NB201: the bundled model's references (its recipe; REFERENCES=a,b,... tests another set). Until 2026-12-02 this
# line held the 7663 set of a candidate that was never bundled, so runs of it since dd1ebfc measured that set.
[ "$space" = nb201 ] && refs=(--references "${REFERENCES:-1462,14418,14314,9550,9574,12172,4002,3138,13078,4939}")
csvs=(profiles/pool/"$space"-*.csv)
join() { local IFS=,; echo "$*"; }
train() {  # out-file, extra-sources (empty: public devices only)
  [ -f "$1" ] && return 0
  echo "== meta-train $(basename "$1")"
  local extra=(); [ -n "$2" ] && extra=(--extra-sources "$2" "${share[@]}")
  "$bin" meta-train --space "$space" --seed 1 --episodes "$episodes" "${refs[@]}" "${extra[@]}" "${mix[@]}" \
    --out "$1.part.safetensors" > "$1.log" 2>&1
  mv "$1.part.safetensors" "$1"
}
public="${PUBLIC_MODEL:-$out/$space-public.safetensors}"
train "$public" ""
evaluate() {  # out-json, model-or-empty, evaluate flags...
  local f="$1" model="$2"; shift 2
  [ -f "$f" ] && return 0
  local m=(); [ -n "$model" ] && m=(--model "$model")
  "$bin" evaluate --space "$space" "${m[@]}" --seeds 5 --json "$@" > "$f.part"
  mv "$f.part" "$f"
}
held_out() {  # csv: model without it, evaluated on it
  local c="$1" name others=() o
  name="$(basename "$c" .csv)"
  for o in "${csvs[@]}"; do [ "$o" != "$c" ] && others+=("$o"); done
  local model="$out/$space-loco-$name.safetensors"
  train "$model" "$(join "${others[@]}")"
  local dev; dev="$(sed -n 2p "$c" | cut -d, -f2)"
  for b in $budgets; do
    evaluate "$out/eval-$name-b$b-loco.json" "$model" --budget "$b" --latency-csv "$c" --device "$dev" \
      --extra-sources "$(join "${others[@]}")"
    evaluate "$out/eval-$name-b$b-nopool.json" "$public" --budget "$b" --latency-csv "$c" --device "$dev"
  done
}
all() {
  local model="$out/$space-pool-all.safetensors"
  train "$model" "$(join "${csvs[@]}")"
  for b in $budgets; do
    evaluate "$out/eval-$space-public-b$b-pool.json" "$model" --budget "$b"
    evaluate "$out/eval-$space-public-b$b-nopool.json" "$public" --budget "$b"
  done
}
running=0
for task in all "${csvs[@]}"; do
  if [ "$task" = all ]; then all & else held_out "$task" & fi
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait
python3 "$here/tools/pool_summary.py" "$out" "$space"
