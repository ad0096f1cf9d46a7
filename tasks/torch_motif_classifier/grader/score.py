"""Scores the agent's motif classifier on 2,000 test sequences of 60 to 200 events.

The model runs in a child process (predict.py) that gets the sequences without labels.
Prints `accuracy=<value>`, computed here.
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = "/workspace/model/model.pt"

labels, seqs = [], []
with open(os.path.join(HERE, "test.csv")) as f:
    next(f)
    for line in f:
        label, events = line.strip().split(",")
        labels.append(int(label))
        seqs.append(events)
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "sequences.txt")
    with open(path, "w") as f:
        f.write("\n".join(seqs) + "\n")
    child = subprocess.run([sys.executable, os.path.join(HERE, "predict.py"), MODEL, path],
                           capture_output=True, text=True, timeout=240, cwd="/workspace")
if child.returncode != 0:
    sys.stderr.write(child.stderr[-4000:])
    sys.exit(f"classifying the test sequences with {MODEL} failed (exit {child.returncode})")
try:
    predicted = json.loads(child.stdout.strip().splitlines()[-1])
except (ValueError, IndexError):
    sys.exit("the model's predictions could not be read")
if len(predicted) != len(labels):
    sys.exit(f"{len(predicted)} predictions for {len(labels)} sequences")
accuracy = sum(p == t for p, t in zip(predicted, labels)) / len(labels)
print(f"accuracy={accuracy:.4f}")
