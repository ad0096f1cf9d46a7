#!/usr/bin/env bash
# Reference solution: a validator that follows CONTRACT.md rule by rule.
set -euo pipefail
cp "$(dirname "$0")/validator.py" /workspace/validator.py
