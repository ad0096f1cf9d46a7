"""Checks that the agent's train.py is reproducible, driven by its seed, and still good.

Runs `python3 train.py --data D --seed S --out O` six times in child processes, with different
PYTHONHASHSEED values, on the agent's data and on a data folder it never saw, and compares the
predictions.csv files byte for byte:
  same_seed        visible data, seed 11, twice with PYTHONHASHSEED=1
  hash_seed        visible data, seed 11, PYTHONHASHSEED=1 against 2
  unseen_data      hidden data, seed 11, PYTHONHASHSEED=3 against 4
  seed_matters     hidden data, seed 12 differs from seed 11 (the seed is really used)
The hidden run's predictions must cover every customer and reach ROC AUC 0.75 on the hidden
outcomes, else the score is 0. Prints `score=F` (the share of the four properties held).
"""

import hashlib
import io
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
VISIBLE, HIDDEN = "/workspace/data", os.path.join(HERE, "data")


def auc(y, s):
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    for v in np.unique(s):  # average ranks of ties
        m = s == v
        ranks[m] = ranks[m].mean()
    pos = y == 1
    return (ranks[pos].sum() - pos.sum() * (pos.sum() + 1) / 2) / (pos.sum() * (~pos).sum())


def run(tmp, name, data, seed, hash_seed):
    out = os.path.join(tmp, name)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    env["PYTHONHASHSEED"] = str(hash_seed)
    child = subprocess.run([sys.executable, "train.py", "--data", data, "--seed", str(seed), "--out", out],
                           capture_output=True, text=True, timeout=240, cwd="/workspace", env=env)
    path = os.path.join(out, "predictions.csv")
    if child.returncode != 0 or not os.path.exists(path):
        sys.stderr.write(f"{name}: train.py failed (exit {child.returncode}): {child.stderr[-1500:]}\n")
        return None
    with open(path, "rb") as f:
        content = f.read()
    return content, hashlib.sha256(content).hexdigest()[:12]


def main():
    with tempfile.TemporaryDirectory() as tmp:
        v1 = run(tmp, "v1", VISIBLE, 11, 1)
        v1b = run(tmp, "v1b", VISIBLE, 11, 1)
        v2 = run(tmp, "v2", VISIBLE, 11, 2)
        h3 = run(tmp, "h3", HIDDEN, 11, 3)
        h4 = run(tmp, "h4", HIDDEN, 11, 4)
        h12 = run(tmp, "h12", HIDDEN, 12, 3)
    same = lambda a, b: a is not None and b is not None and a[0] == b[0]  # noqa: E731
    props = {
        "same_seed": same(v1, v1b),
        "hash_seed": same(v1, v2),
        "unseen_data": same(h3, h4),
        "seed_matters": h3 is not None and h12 is not None and h3[0] != h12[0],
    }
    for name, held in props.items():
        sys.stderr.write(f"{name}: {'held' if held else 'FAILED'}\n")
    quality = 0.0
    if h3 is not None:
        labels = pd.read_csv(os.path.join(HERE, "score_labels.csv"))
        try:
            preds = pd.read_csv(io.BytesIO(h3[0]))
            merged = labels.merge(preds, on="customer_id", how="left")
            if merged["probability"].notna().all() and len(preds) == len(labels):
                quality = float(auc(merged["renewed"].to_numpy(), merged["probability"].to_numpy(dtype=float)))
            else:
                sys.stderr.write("predictions on the hidden data do not cover every customer exactly once\n")
        except (ValueError, KeyError) as err:
            sys.stderr.write(f"predictions on the hidden data cannot be read: {err}\n")
    sys.stderr.write(f"hidden-data ROC AUC {quality:.4f} (needs 0.75)\n")
    score = sum(props.values()) / len(props) if quality >= 0.75 else 0.0
    print(f"auc={quality:.4f}")
    print(f"score={score:.4f}")


if __name__ == "__main__":
    main()
