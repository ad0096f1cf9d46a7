#!/bin/bash
# Harbor's verifier contract: the reward goes to /logs/verifier/reward.txt. Partial credit: the share
# of the pytest cases (one per sensor) that pass, read from pytest's JUnit XML report.
mkdir -p /logs/verifier
python3 -m pytest -q -p no:cacheprovider --junitxml=/logs/verifier/junit.xml /tests/test_calibration.py
python3 - <<'PY'
import xml.etree.ElementTree as ET

try:
    suite = ET.parse("/logs/verifier/junit.xml").getroot().find("testsuite")
    total = int(suite.get("tests"))
    bad = int(suite.get("failures")) + int(suite.get("errors")) + int(suite.get("skipped"))
    reward = (total - bad) / total if total else 0.0
except (OSError, ET.ParseError, AttributeError, TypeError):
    reward = 0.0
with open("/logs/verifier/reward.txt", "w") as f:
    f.write(f"{reward:.4f}\n")
print(f"reward {reward:.4f}")
PY
