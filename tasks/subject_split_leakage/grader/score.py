"""Scores the agent's activity model on 30 new subjects it never saw.

The model runs in a child process (predict.py) that gets the new subjects' windows (subject_id
and features, every window of a subject together) but not their activities. Prints
`new_subject_accuracy` (computed here) and `accuracy_gap`, the distance between the cv_accuracy
in model/report.json and the accuracy measured here.
"""

import json
import math
import os
import subprocess
import sys
import tempfile

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = "/workspace/model/model.joblib"
REPORT = "/workspace/model/report.json"


def main():
    new = pd.read_csv(os.path.join(HERE, "new_subjects.csv"))
    truth = new.pop("activity").tolist()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "windows.csv")
        new.to_csv(path, index=False)
        child = subprocess.run([sys.executable, os.path.join(HERE, "predict.py"), MODEL, path],
                               capture_output=True, text=True, timeout=240, cwd="/workspace")
    if child.returncode != 0:
        sys.stderr.write(child.stderr[-4000:])
        sys.exit(f"classifying new subjects with {MODEL} failed (exit {child.returncode})")
    try:
        predicted = json.loads(child.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        sys.exit("the model's predictions could not be read")
    if len(predicted) != len(truth):
        sys.exit(f"the model returned {len(predicted)} predictions for {len(truth)} windows")
    accuracy = sum(p.strip().lower() == t for p, t in zip(predicted, truth)) / len(truth)
    print(f"new_subject_accuracy={accuracy:.4f}")
    try:
        with open(REPORT) as f:
            claimed = float(json.load(f)["cv_accuracy"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        sys.stderr.write(f"{REPORT} has no cv_accuracy: {err}\n")
        return
    if math.isfinite(claimed):
        sys.stderr.write(f"reported CV accuracy {claimed:.4f}, accuracy on new subjects {accuracy:.4f}\n")
        print(f"accuracy_gap={abs(claimed - accuracy):.4f}")


if __name__ == "__main__":
    main()
