#!/usr/bin/env bash
# Build the demo site and serve it at http://127.0.0.1:8000 with live reload.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
export NO_MKDOCS_2_WARNING=1
exec .venv/bin/mkdocs serve "$@"
