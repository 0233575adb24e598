#!/usr/bin/env bash
# Profiles the source-device pool for meta-training (issue: sources that look like helpprof's targets).
# Each runtime configuration (kernels x threads x BN folding x dead-op pruning) is one source device.
# Resumable: rerun the same command after an interruption; finished configurations are skipped.
# Usage: bash tools/profile_pool.sh [HELPPROF] [COUNT] [OFA_COUNT]
#   COUNT NB201 archs (default 3000) and OFA_COUNT OFA subnets (default 1000) per configuration.
# The OFA subnets are HELP's dataset subnets (width 1.2, profiles/datasets/ofa_archs.u8) so that the pool lines up
# with the public OFA devices; both lists start with the reference architectures.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$here/.build/release/helpprof}"
count="${2:-3000}"
ofa_count="${3:-1000}"
pool="$here/profiles/pool"
mkdir -p "$pool"
# The architecture list: the bundled meta-predictor's references, HELP's references, then seeded random indices.
archs="$pool/nb201-archs.txt"
if [ ! -f "$archs" ]; then
  python3 - "$count" > "$archs.tmp" <<'PY'
import random, sys
n = int(sys.argv[1])
refs = [1462, 14418, 14314, 9550, 9574, 12172, 4002, 3138, 13078, 4939,      # bundled nb201 meta-predictor
        11982, 431, 55, 9, 14451, 8636, 9881, 13479, 6196]                   # HELP (1462 already above)
rest = [i for i in range(15625) if i not in set(refs)]
random.Random(2026).shuffle(rest)
for i in (refs + rest)[:n]:
    print(i)
PY
  mv "$archs.tmp" "$archs"
fi
ofa_archs="$pool/ofa-archs.txt"
if [ ! -f "$ofa_archs" ]; then
  python3 - "$ofa_count" "$here/profiles/datasets/ofa_archs.u8" > "$ofa_archs.tmp" <<'PY'
import random, sys
n, path = int(sys.argv[1]), sys.argv[2]
raw = open(path, "rb").read()          # 46 bytes a subnet: resolution/4, d[5], ks[20], e[20]
count = len(raw) // 46
refs = [1316, 1587, 1621, 1636, 1980, 2329, 2487, 3355, 3740, 4948]   # HELP's OFA references (bundled model's)
rest = [i for i in range(count) if i not in set(refs)]
random.Random(2026).shuffle(rest)
def text(i):
    r = raw[46 * i: 46 * i + 46]
    j = lambda v: ",".join(str(x) for x in v)
    return f"r={4 * r[0]} w=1.2 d={j(r[1:6])} ks={j(r[6:26])} e={j(r[26:46])}"
for i in (refs + rest)[:n]:
    print(text(i))
PY
  mv "$ofa_archs.tmp" "$ofa_archs"
fi
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//; s/[^A-Za-z0-9]\+/-/g; s/-$//' | tr 'A-Z' 'a-z')"
run() {  # space, name, flags...
  local space="$1" name="$2"; shift 2
  local list="$archs"; [ "$space" = ofa ] && list="$ofa_archs"
  echo "== $space $name"
  # --protocol sweeps: the pool was measured before the canary protocol (issue 12); the same protocol keeps its
  # CSVs resumable and every pool device measured alike (PROTOCOL=canary for a fresh pool measured the new way).
  "$bin" profile --space "$space" --archs-file "$list" --device "helpprof-$cpu-$name" \
    --out "$pool/$space-$cpu-$name.csv" --protocol "${PROTOCOL:-sweeps}" "$@"
}
for space in nb201 ofa; do
  run "$space" default-1t       --kernels default --threads 1
  if [ "$space" = nb201 ]; then run "$space" default-1t-prune --kernels default --threads 1 --prune-dead-ops; fi
  run "$space" openblas-1t      --kernels openblas --threads 1
  run "$space" simd-1t          --kernels simd --threads 1
  run "$space" default-1t-bn    --kernels default --threads 1 --keep-bn
  # 2 threads: NB201 only. OFA with 2 threads on a 2-vCPU guest was bimodal (blocks of archs at 0.78x or 1.35x
  # the 1-thread latency, switching over minutes), not a stable latency function; see profiles/pool/README.md.
  if [ "$space" = nb201 ]; then run "$space" default-2t --kernels default --threads 2; fi
  if [ "$space" = ofa ]; then
    run "$space" simd-1t-bn     --kernels simd --threads 1 --keep-bn
    run "$space" openblas-1t-bn --kernels openblas --threads 1 --keep-bn
  fi
done
# Dead-op pruning is a behaviour of its own (TFLite/OpenVINO-style engines): two more pruned NB201 configurations,
# so that a held-out pruned configuration still has pruned sources.
run nb201 openblas-1t-prune --kernels openblas --threads 1 --prune-dead-ops
run nb201 default-2t-prune  --kernels default --threads 2 --prune-dead-ops
