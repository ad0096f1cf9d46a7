#!/usr/bin/env bash
# Reference solution: the five queries, written against the schema (no answer is typed in).
set -euo pipefail
mkdir -p /workspace/queries
cp "$(dirname "$0")"/queries/*.sql /workspace/queries/
