#!/usr/bin/env bash
# Test-retest benchmark of helpprof's measurement protocol against a naive one (issue 12).
# Two separate `helpprof profile` processes per protocol on the same archs, run alternately (A of each protocol,
# then B of each) so that both protocols see the same machine; prints per protocol the Spearman correlation,
# median and p90 |rel diff| of latency_ms between the two processes (tools/retest.py), and the throughput
# (archs/min, mean of the two processes' sidecar summaries). Heavy: a command, not a CI test.
#
# Usage: bash tools/retest_bench.sh [--space nb201|ofa] [--n N] [--seed S] [--bin HELPPROF] [--out DIR]
#                                   [--protocols "canary naive"] [--keep] [-- extra profile options]
# Defaults: nb201, 300 archs, seed 1, .build/release/helpprof, a temp dir (removed unless --keep), protocols
# "canary naive" (naive = median of --naive-runs, default 30, back-to-back runs per arch).
# Example: bash tools/retest_bench.sh --n 300 --seed 1 --out /tmp/rb --keep
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
space=nb201 n=300 seed=1 bin="$here/.build/release/helpprof" out="" protocols="canary naive" keep=0
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --space) space="$2"; shift 2 ;;
    --n) n="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --protocols) protocols="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n 2,13p "$0"; exit 0 ;;
    *) echo "retest_bench.sh: unknown option '$1' (see --help)" >&2; exit 64 ;;
  esac
done
case "$space" in nb201|ofa) ;; *) echo "retest_bench.sh: --space '$space': expected nb201 or ofa" >&2; exit 64 ;; esac
[[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 3 ] || { echo "retest_bench.sh: --n '$n': expected an integer >= 3" >&2; exit 64; }
[ -x "$bin" ] || { echo "retest_bench.sh: helpprof binary '$bin' not found: build with swift build -c release" >&2; exit 64; }
if [ -z "$out" ]; then
  out="$(mktemp -d)"
  [ "$keep" = 1 ] || trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
echo "retest_bench: $space, $n archs (--sample $n --seed $seed), protocols: $protocols; files in $out"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for pass in A B; do
  for p in $protocols; do
    f="$out/$p-$pass.csv"
    rm -f "$f" "$f.json"
    "$bin" profile --space "$space" --sample "$n" --seed "$seed" --protocol "$p" --out "$f" --quiet \
      ${extra[@]+"${extra[@]}"}
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %9s %10s %8s %12s %12s\n' protocol spearman "median|d|" "p90|d|" "archs/min" "slow rounds"
for p in $protocols; do
  python3 - "$here/tools/retest.py" "$out/$p-A.csv" "$out/$p-B.csv" "$p" <<'PY'
import json, subprocess, sys
retest, a, b, name = sys.argv[1:5]
r = json.loads(subprocess.run([sys.executable, retest, a, b, "--json"], check=True, capture_output=True, text=True).stdout)
rates, slow = [], []
def key(d, snake):  # sidecars are snake_case; files written before the one JSON style are camelCase
    camel = snake.split("_")[0] + "".join(w.title() for w in snake.split("_")[1:])
    return d[snake] if snake in d else d[camel]
for f in (a, b):
    s = json.load(open(f + ".json"))["runs"][-1]["summary"]
    rates.append(key(s, "archs_per_minute"))
    c = s.get("canary")
    slow.append(f"{key(c, 'slow_rounds')}/{key(c, 'rounds')}" if c else "-")
print(f"{name:<8s} {r['spearman']:9.4f} {100 * r['median_abs_rel_diff']:9.2f}% {100 * r['p90_abs_rel_diff']:7.2f}% "
      f"{sum(rates) / 2:12.0f} {' '.join(slow):>12s}")
PY
done
