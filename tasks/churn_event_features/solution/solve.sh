#!/usr/bin/env bash
# Reference solution: point-in-time features (events strictly before the cutoff only).
set -euo pipefail
cp "$(dirname "$0")/features.py" /workspace/features.py
