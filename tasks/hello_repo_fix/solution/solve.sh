#!/usr/bin/env bash
# Reference fix: integer division truncates the mean word length.
set -euo pipefail
cd /workspace
sed -i 's|return sum(len(w) for w in words) // len(words)|return sum(len(w) for w in words) / len(words)|' textstats/stats.py
python3 -m pytest -q tests
