#!/usr/bin/env bash
# Reference solution: order-aware local-to-UTC conversion, re-sends dropped, counter restarts handled.
set -euo pipefail
cp "$(dirname "$0")/energy.py" /workspace/energy.py
