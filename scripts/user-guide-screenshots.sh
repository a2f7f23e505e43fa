#!/usr/bin/env bash
# Retakes the user guide's screenshots (docs/images/*.png) by running the case walkthrough and the risk
# calibration browser tests, which save a screenshot at each step they pass when TESSERA_SCREENSHOTS names
# a directory.
set -euo pipefail
cd "$(dirname "$0")/.."
TESSERA_SCREENSHOTS="$PWD/docs/images" .venv/bin/pytest -q -p no:cacheprovider \
  tests/browser/test_case_walkthrough.py tests/browser/test_risk_calibration.py
ls -1 docs/images
