#!/bin/bash
# Interop with Python's h2 (python3-h2, Debian): see h2_interop.py. Uses the system Python
# on purpose (/usr/bin/python3 has the Debian package; a pyenv python3 on PATH may not).
set -euo pipefail
PYTHON=/usr/bin/python3
if ! "$PYTHON" -c 'import h2.connection' 2>/dev/null; then
  echo "python3-h2 is not installed (apt-get install python3-h2)" >&2
  exit 1
fi
exec "$PYTHON" h2/testing/h2_interop.py h2/testing/interop_driver
