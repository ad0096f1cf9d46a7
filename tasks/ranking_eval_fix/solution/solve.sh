#!/usr/bin/env bash
# Reference solution: order by score then docid, keep each document's best line, gain 2^rel - 1
# with the ideal from all judgements, relevance >= 1 everywhere, recall and AP over all relevant
# documents, and the evaluated queries taken from the qrels.
set -euo pipefail
cp "$(dirname "$0")/evaluate.py" /workspace/evaluate.py
