#!/usr/bin/env bash
# Reference solution: a 12-fit log-scale search on a holdout split, the best written to params.json.
set -euo pipefail
cd /workspace
cp "$(dirname "$0")/search.py" .
python3 search.py
