"""Scores the agent's record linkage on 1,862 records of 1,000 people it never saw.

The agent's code runs in a child process (run_dedupe.py) on copies of the records (no truth).
Pairwise evaluation: a pair of records is predicted linked when they share a label, truly
linked when they are the same person. Prints precision, recall and `f1=<value>`.
"""

import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))


def pairs(counts):
    return sum(n * (n - 1) // 2 for n in counts)


def main():
    with open(os.path.join(HERE, "hidden_truth.csv"), newline="") as f:
        truth = {r["record_id"]: r["person"] for r in csv.DictReader(f)}
    with tempfile.TemporaryDirectory() as tmp:
        records = shutil.copy(os.path.join(HERE, "hidden_customers.csv"), os.path.join(tmp, "customers.csv"))
        nicknames = shutil.copy("/workspace/data/nicknames.csv", os.path.join(tmp, "nicknames.csv"))
        child = subprocess.run(
            [sys.executable, os.path.join(HERE, "run_dedupe.py"), records, nicknames],
            capture_output=True, text=True, timeout=240, cwd="/workspace",
        )
    if child.returncode != 0:
        sys.stderr.write(child.stderr[-4000:])
        sys.exit(f"find_people failed (exit {child.returncode})")
    try:
        labels = json.loads(child.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        sys.exit("find_people's result could not be read")
    missing = set(truth) - set(labels)
    if missing:
        sys.exit(f"find_people gave no label to {len(missing)} records, e.g. {sorted(missing)[:3]}")
    true_pairs = pairs(Counter(truth.values()).values())
    predicted_pairs = pairs(Counter(labels[r] for r in truth).values())
    both = pairs(Counter((truth[r], labels[r]) for r in truth).values())
    precision = both / predicted_pairs if predicted_pairs else 0.0
    recall = both / true_pairs
    f1 = 2 * precision * recall / (precision + recall) if both else 0.0
    print(f"precision={precision:.4f} recall={recall:.4f} true_pairs={true_pairs} predicted_pairs={predicted_pairs}")
    print(f"f1={f1:.4f}")


if __name__ == "__main__":
    main()
