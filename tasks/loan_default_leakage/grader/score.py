"""Scores the agent's loan model on 12,000 later applications it never saw.

The model is loaded in a child process (predict.py) that gets the application-time columns
only, as in production; the outcomes stay here. Prints `holdout_auc` (computed here) and
`auc_gap`, the distance between the AUC the agent reported in model/report.json and the
holdout AUC: an honest validation estimate lands close, a leaky one does not.
"""

import json
import math
import os
import subprocess
import sys
import tempfile

import pandas as pd
from sklearn.metrics import roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = "/workspace/model/model.joblib"
REPORT = "/workspace/model/report.json"


def main():
    holdout = pd.read_csv(os.path.join(HERE, "holdout.csv"))
    y = holdout.pop("defaulted")
    with tempfile.TemporaryDirectory() as tmp:
        features = os.path.join(tmp, "applications.csv")
        holdout.to_csv(features, index=False)
        child = subprocess.run(
            [sys.executable, os.path.join(HERE, "predict.py"), MODEL, features],
            capture_output=True, text=True, timeout=240, cwd="/workspace",
        )
    if child.returncode != 0:
        sys.stderr.write(child.stderr[-4000:])
        sys.exit(f"scoring applications with {MODEL} failed (exit {child.returncode})")
    try:
        proba = json.loads(child.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        sys.exit("the model's probabilities could not be read")
    if len(proba) != len(y) or not all(isinstance(p, float) and math.isfinite(p) for p in proba):
        sys.exit(f"expected {len(y)} finite probabilities, got {len(proba)} values")
    auc = roc_auc_score(y, proba)
    print(f"holdout_auc={auc:.4f}")
    try:
        with open(REPORT) as f:
            claimed = float(json.load(f)["validation_auc"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        sys.stderr.write(f"{REPORT} has no validation_auc: {err}\n")
        return
    if math.isfinite(claimed):
        sys.stderr.write(f"reported validation AUC {claimed:.4f}, holdout AUC {auc:.4f}\n")
        print(f"auc_gap={abs(claimed - auc):.4f}")


if __name__ == "__main__":
    main()
