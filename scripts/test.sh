#!/usr/bin/env bash
# Run the whole test suite (unit, build, browser) in the project's own virtual environment.
# Browser tests need Debian's chromium (/usr/bin/chromium); without it they skip, except under CI.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
export NO_MKDOCS_2_WARNING=1
exec .venv/bin/python -m pytest "$@"
