#!/usr/bin/env bash
# Retakes the user guide's screenshots (docs/images/*.png) by running the case walkthrough browser test,
# which saves a screenshot at each step it passes when TESSERA_SCREENSHOTS names a directory.
set -euo pipefail
cd "$(dirname "$0")/.."
TESSERA_SCREENSHOTS="$PWD/docs/images" .venv/bin/pytest -q -p no:cacheprovider \
  tests/browser/test_case_walkthrough.py
ls -1 docs/images
