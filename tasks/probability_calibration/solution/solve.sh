#!/usr/bin/env bash
# Reference solution: fit Platt scaling on logit(score) and write the map's knots.
set -euo pipefail
cd /workspace
cp "$(dirname "$0")/fit_calibration.py" .
python3 fit_calibration.py
