"""Fits the retention service's fixed model on the agent's features and scores a later month.

Training: the June cutoff, from the workspace's export (checked against the hashes the grader
keeps, so the training data is the one the task shipped). Scoring: 1,000 other customers at the
September cutoff, with only their events before it, as production sees them, and outcomes only
the grader has. The agent's build_features runs in a child process (run_features.py) that never
sees a label. Prints `auc=<value>` (computed here).
"""

import hashlib
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = "/workspace/data"


def check_training_data():
    with open(os.path.join(HERE, "training_data.sha256")) as f:
        for line in f:
            digest, name = line.split()
            with open(os.path.join(DATA, name), "rb") as data:
                if hashlib.sha256(data.read()).hexdigest() != digest:
                    sys.exit(f"data/{name} was changed; the grader trains on the export as shipped")


def features(tmp, users, events, cutoff, name):
    out = os.path.join(tmp, f"{name}.csv")
    child = subprocess.run([sys.executable, os.path.join(HERE, "run_features.py"), users, events, cutoff, out],
                           capture_output=True, text=True, timeout=600, cwd="/workspace")
    if child.returncode != 0:
        sys.stderr.write(child.stderr[-4000:])
        sys.exit(f"build_features failed for the {name} month (exit {child.returncode})")
    return pd.read_csv(out, index_col="user_id")


def main():
    check_training_data()
    with tempfile.TemporaryDirectory() as tmp:
        X_train = features(tmp, f"{DATA}/users.csv", f"{DATA}/events.csv", "2024-06-01", "training")
        X_new = features(tmp, os.path.join(HERE, "users.csv"), os.path.join(HERE, "events.csv"), "2024-09-01", "scored")
    y_train = pd.read_csv(f"{DATA}/labels.csv").set_index("user_id")["churned_30d"]
    y_new = pd.read_csv(os.path.join(HERE, "labels.csv")).set_index("user_id")["churned_30d"]
    problems = []
    if list(X_train.columns) != list(X_new.columns):
        problems.append("the feature columns differ between the two months")
    if set(X_train.index) != set(y_train.index) or set(X_new.index) != set(y_new.index):
        problems.append("build_features must return one row per user, indexed by user_id")
    for X in (X_train, X_new):
        if not problems and (not all(np.issubdtype(t, np.number) for t in X.dtypes) or np.isinf(X.to_numpy(float)).any()):
            problems.append("features must be numeric and finite (missing values are allowed)")
    if problems:
        sys.exit("; ".join(problems))
    model = HistGradientBoostingClassifier(random_state=0).fit(X_train, y_train.reindex(X_train.index))
    auc = roc_auc_score(y_new.reindex(X_new.index), model.predict_proba(X_new)[:, 1])
    sys.stderr.write(f"{X_train.shape[1]} features; ROC AUC on the September customers {auc:.4f}\n")
    print(f"auc={auc:.4f}")


if __name__ == "__main__":
    main()
