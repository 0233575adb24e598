#!/usr/bin/env bash
# Runs the Python loader's tests (tools/tests) with pytest; exits non-zero on any failure.
# Used by `make test`. Installs pytest (and numpy) with pip when missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY="${PYTHON:-python3}"
if ! "$PY" -c "import pytest" 2>/dev/null; then
  echo "run_python_tests: installing pytest with pip" >&2
  "$PY" -m pip install --quiet pytest || "$PY" -m pip install --quiet --break-system-packages pytest
fi
if ! "$PY" -c "import numpy" 2>/dev/null; then
  echo "run_python_tests: installing numpy with pip" >&2
  "$PY" -m pip install --quiet numpy || "$PY" -m pip install --quiet --break-system-packages numpy
fi
set +e
"$PY" -m pytest -q -p no:cacheprovider "$here/tests" "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "run_python_tests: no tests were collected in $here/tests" >&2
fi
exit "$rc"
