#!/usr/bin/env bash
# Reference solution: clean the export with pandas and write the monthly pivot.
set -euo pipefail
cd /workspace
python3 "$(dirname "$0")/solve.py"
