#!/usr/bin/env bash
# Validation folds for the NB201 predictor's settings, never reading a HELP meta-test device: HELP's 21 meta-train
# devices in 3 family-balanced folds of 7 (fixed below); for each fold, the bundled recipe is meta-trained without
# the fold's devices, then evaluated on them (ridge sources = the other 14 meta-train devices) with every blend rule
# (`evaluate --compare-blend-rules`). Prints each method's mean ρ over the 21 devices, its worst device and the
# devices below ridge − 0.01. Resumable: finished models and evaluations in OUTDIR are kept. JOBS=2 trains two folds
# at a time (one BLAS thread each; ~435 s for two at 2,000 episodes on the 2-vCPU dev machine).
# EPISODES (default 2000), EXTRA_SHARE (default 0.5, the bundled recipe's --extra-share) and STEPS (evaluate
# --steps; default: as `helpprof adapt` adapts) select the setting under test.
# Usage: [JOBS=N] [EPISODES=E] [EXTRA_SHARE=S] [STEPS=K] bash tools/fold_validation.sh OUTDIR [HELPPROF]
# Seventh stop (2026-12-01), defaults: the product's rule (loo) 0.9541; see Sources/Predictor/RESULTS.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -ge 1 ] || { sed -n 2,11p "$0"; exit 64; }
out="$(mkdir -p "$1" && cd "$1" && pwd)"; bin="${2:-$here/.build/release/helpprof}"
[ -x "$bin" ] || { echo "fold_validation.sh: $bin is not an executable (swift build -c release first)" >&2; exit 64; }
jobs="${JOBS:-1}"; episodes="${EPISODES:-2000}"; share="${EXTRA_SHARE:-0.5}"
steps=(); [ -n "${STEPS:-}" ] && steps=(--steps "$STEPS")
export OPENBLAS_NUM_THREADS=1
cd "$here"
refs=1462,14418,14314,9550,9574,12172,4002,3138,13078,4939   # the bundled NB201 model's references
all=1080ti_1,1080ti_32,1080ti_256,2080ti_1,2080ti_32,2080ti_256,titan_rtx_1,titan_rtx_32,titanx_1,titanx_32,titanx_256,titanxp_1,titanxp_32,titanxp_256,gold_6240,silver_4114,silver_4210r,pixel3,samsung_a50,samsung_s7,essential_ph_1
folds=(1080ti_1,2080ti_32,titanx_256,titanxp_1,gold_6240,pixel3,samsung_s7
       1080ti_32,2080ti_256,titan_rtx_1,titanxp_32,silver_4114,samsung_a50,essential_ph_1
       1080ti_256,2080ti_1,titan_rtx_32,titanx_1,titanx_32,titanxp_256,silver_4210r)
pool="$(ls profiles/pool/nb201-*.csv | paste -sd,)"
others() { echo "$all" | tr , '\n' | grep -vxF -f <(echo "$1" | tr , '\n') | paste -sd,; }
train() {  # fold number
  local f="$out/fold$1.safetensors"
  [ -f "$f" ] && return 0
  echo "== meta-train fold $1 (without ${folds[$1]})"
  "$bin" meta-train --space nb201 --seed 1 --episodes "$episodes" --mix-share 0.5 --extra-share "$share" \
    --extra-sources "$pool" --references "$refs" --exclude-devices "${folds[$1]}" --out "$f.part.safetensors" \
    > "$out/fold$1.log" 2>&1
  mv "$f.part.safetensors" "$f"
}
running=0
for k in 0 1 2; do
  train "$k" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait
for k in 0 1 2; do
  e="$out/eval${STEPS:+-steps$STEPS}-fold$k.json"
  [ -f "$e" ] && continue
  echo "== evaluate fold $k"
  "$bin" evaluate --space nb201 --model "$out/fold$k.safetensors" --test-devices "${folds[$k]}" \
    --train-devices "$(others "${folds[$k]}")" --budget 20 --seeds 5 --compare-blend-rules "${steps[@]}" --json \
    > "$e.part"
  mv "$e.part" "$e"
done
python3 - "$out" "${STEPS:-}" <<'EOF'
import json, sys
out, steps = sys.argv[1], sys.argv[2]
tot = {}
for k in range(3):
    r = json.load(open(f"{out}/eval{'-steps' + steps if steps else ''}-fold{k}.json"))
    for m, s in [("predictor", r["predictor"])] + sorted(r["baselines"].items()):
        for d in s["devices"]:
            tot.setdefault(m, {})[d["device"]] = d["spearman"]
ridge = tot["ridge"]
print(f"{'method':22s} {'mean ρ':>7s}  worst            below ridge − 0.01")
for m, v in tot.items():
    worst = min(v, key=v.get)
    below = [d for d in v if v[d] < ridge[d] - 0.01]
    print(f"{m:22s} {sum(v.values()) / len(v):7.4f}  {v[worst]:.3f} {worst:12s} {','.join(below) or '-'}")
EOF
