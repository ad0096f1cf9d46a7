#!/usr/bin/env bash
# Reference solution: the five queries (window functions, date arithmetic in SQLite).
set -euo pipefail
mkdir -p /workspace/queries
cp "$(dirname "$0")"/queries/*.sql /workspace/queries/
