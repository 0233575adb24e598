#!/usr/bin/env bash
# Installs what helpprof needs on a Debian/Ubuntu machine; does nothing when all is there.
# System: OpenBLAS (GEMM), PAPI (timers and hardware counters), zlib. Python: numpy for the numpy-only loader.
set -euo pipefail
need=()
for pkg in libopenblas-dev libpapi-dev papi-tools zlib1g-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
if ! python3 -c 'import numpy' >/dev/null 2>&1; then
  echo "setup: installing numpy (for tools/helpprof_predictor.py)"
  python3 -m pip install -q numpy
fi
command -v swift >/dev/null || { echo "setup: swift not found on PATH (need Swift 6.x)" >&2; exit 1; }
