#!/bin/bash
# Harbor's verifier contract: the reward goes to /logs/verifier/reward.txt.
mkdir -p /logs/verifier
if python3 -m pytest -q -p no:cacheprovider /tests/test_kv.py; then
  echo 1 > /logs/verifier/reward.txt
else
  echo 0 > /logs/verifier/reward.txt
fi
