"""Scores the agent's saved model on held-out customers it never saw.

The grader computes the metric itself: it never reads a number the agent
reports. The model is loaded in a child process (predict.py) that receives the
held-out features only; the labels stay in this process. Prints
`accuracy=<value>` for the metric_check, and details on stderr.
"""

import csv
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
LABEL = "churned"
POSITIVE = {"yes", "1", "1.0", "true"}
NEGATIVE = {"no", "0", "0.0", "false"}


def normalize(label):
    """Accepts harmless encodings of the label (Yes/No, 1/0, True/False)."""
    text = str(label).strip().lower()
    if text in POSITIVE:
        return "Yes"
    if text in NEGATIVE:
        return "No"
    return text


def main():
    model_path = sys.argv[1] if len(sys.argv) > 1 else "/workspace/model/model.joblib"
    with open(os.path.join(HERE, "holdout.csv"), newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    label_at = header.index(LABEL)
    labels = [r[label_at] for r in body]
    with tempfile.TemporaryDirectory() as tmp:
        features = os.path.join(tmp, "features.csv")
        with open(features, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            for r in rows:
                w.writerow(r[:label_at] + r[label_at + 1 :])
        child = subprocess.run(
            [sys.executable, os.path.join(HERE, "predict.py"), model_path, features],
            capture_output=True,
            text=True,
            timeout=240,
            cwd="/workspace",
        )
    if child.returncode != 0:
        sys.stderr.write(child.stderr[-4000:])
        sys.exit(f"predicting with {model_path} failed (exit {child.returncode})")
    try:
        predictions = json.loads(child.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        sys.exit("the model's predictions could not be read")
    if len(predictions) != len(labels):
        sys.exit(f"the model returned {len(predictions)} predictions for {len(labels)} rows")
    correct = sum(normalize(p) == y for p, y in zip(predictions, labels))
    accuracy = correct / len(labels)
    sys.stderr.write(f"{correct} of {len(labels)} held-out customers predicted correctly\n")
    print(f"accuracy={accuracy:.4f}")


if __name__ == "__main__":
    main()
