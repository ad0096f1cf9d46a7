"""Scores the agent's validator on two batches it never saw.

The batches (batch_a.csv, batch_b.csv) come from the same generator as the sample but
other seeds; truth.json lists the violations injected into them. The agent's code runs in
a child process (run_validator.py) that gets copies of the batches and the registry only.
Prints precision, recall and `f1=<value>` (micro, over both batches) for the check; the
misses and false alarms go to stderr.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BATCHES = ["batch_a.csv", "batch_b.csv"]


def main():
    with open(os.path.join(HERE, "truth.json")) as f:
        truth = json.load(f)
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name in BATCHES:
            paths.append(os.path.join(tmp, name))
            shutil.copy(os.path.join(HERE, name), paths[-1])
        stations = os.path.join(tmp, "stations.csv")
        shutil.copy("/workspace/data/stations.csv", stations)
        child = subprocess.run(
            [sys.executable, os.path.join(HERE, "run_validator.py"), stations, *paths],
            capture_output=True, text=True, timeout=240, cwd="/workspace",
        )
        if child.returncode != 0:
            sys.stderr.write(child.stderr[-4000:])
            sys.exit(f"the validator failed (exit {child.returncode})")
        try:
            found = json.loads(child.stdout.strip().splitlines()[-1])
            got = {(name, *v) for name, p in zip(BATCHES, paths) for v in found[p]}
        except (ValueError, IndexError, KeyError, TypeError) as err:
            sys.exit(f"the validator's output could not be read: {err}")
    want = {(name, *v) for name in BATCHES for v in truth[name]}
    hits = len(got & want)
    precision = hits / len(got) if got else 0.0
    recall = hits / len(want)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    for v in sorted(want - got)[:25]:
        sys.stderr.write(f"missed: {v}\n")
    for v in sorted(got - want)[:25]:
        sys.stderr.write(f"false alarm: {v}\n")
    print(f"precision={precision:.4f} recall={recall:.4f} found={len(got)} expected={len(want)}")
    print(f"f1={f1:.4f}")


if __name__ == "__main__":
    main()
