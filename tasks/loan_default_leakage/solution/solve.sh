#!/usr/bin/env bash
# Reference solution: retrain without leakage and report a cross-validated AUC.
set -euo pipefail
cd /workspace
cp "$(dirname "$0")/train.py" train.py
python3 train.py
