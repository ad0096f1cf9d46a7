#!/usr/bin/env bash
# Reference solution: union-find over the three matching rules.
set -euo pipefail
cp "$(dirname "$0")/dedupe.py" /workspace/dedupe.py
