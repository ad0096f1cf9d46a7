#!/usr/bin/env bash
# Reference solution: a stable lexsort by user and time, session starts from the gaps, group-wise
# cumcount/cumsum, and the previous purchase by a shifted forward fill per user.
set -euo pipefail
cp "$(dirname "$0")/sessions.py" /workspace/sessions.py
