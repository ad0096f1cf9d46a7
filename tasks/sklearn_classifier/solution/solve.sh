#!/usr/bin/env bash
# Reference solution: train a one-hot + logistic regression pipeline and save it.
set -euo pipefail
cd /workspace
cp "$(dirname "$0")/train.py" "$(dirname "$0")/churn_features.py" .
python3 train.py
