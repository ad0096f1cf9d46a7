#!/usr/bin/env bash
# Reference solution: standardise per subject, validate grouped by subject, retrain.
set -euo pipefail
cd /workspace
cp "$(dirname "$0")/subject_features.py" "$(dirname "$0")/train.py" .
python3 train.py
