#!/usr/bin/env bash
# Reference solution: out-of-fold probabilities from two models, the confident joint to estimate
# how many labels are wrong, and that many lowest-confidence items flagged.
set -euo pipefail
cd /workspace
cp "$(dirname "$0")/audit.py" .
python3 audit.py
