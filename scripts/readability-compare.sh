#!/usr/bin/env bash
# Compares the readability rule's grades with Python's textstat (scripts/readability-compare.py).
# Installs textstat 0.7.3 and pyphen 0.18.1 from PyPI into a venv outside the work tree
# ($TEXTSTAT_VENV, default /opt/clinic-site-textstat-venv) when missing.
# usage: readability-compare.sh BINARY
set -euo pipefail
VENV="${TEXTSTAT_VENV:-/opt/clinic-site-textstat-venv}"
PY="${PYTHON:-python3}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
PINS=(textstat==0.7.3 pyphen==0.18.1)
if [ ! -x "$VENV/bin/python" ]; then
  echo "readability-compare: creating venv $VENV"
  $SUDO "$PY" -m venv "$VENV"
fi
if ! "$VENV/bin/python" - "${PINS[@]}" <<'PYEOF'
import sys
from importlib import metadata
for spec in sys.argv[1:]:
    name, want = spec.split("==")
    try:
        if metadata.version(name) != want:
            sys.exit(1)
    except metadata.PackageNotFoundError:
        sys.exit(1)
PYEOF
then
  echo "readability-compare: pip install ${PINS[*]}"
  $SUDO "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PINS[@]}"
fi
exec "$VENV/bin/python" "$(dirname "$0")/readability-compare.py" "$@"
