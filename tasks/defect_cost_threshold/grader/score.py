"""Scores the agent's defect detector on 24,000 units it never saw, by inspection cost.

The model runs in a child process (predict.py) that gets the units without outcomes. A missed
defect costs 50, a flagged good unit 1. Prints `cost_per_1000=<value>`, computed here, and the
recall and flag rate on stderr.
"""

import json
import os
import subprocess
import sys
import tempfile

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = "/workspace/model/model.joblib"
MISS, ALARM = 50, 1


def main():
    units = pd.read_csv(os.path.join(HERE, "test_units.csv"))
    truth = units.pop("defect").tolist()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "units.csv")
        units.to_csv(path, index=False)
        child = subprocess.run([sys.executable, os.path.join(HERE, "predict.py"), MODEL, path],
                               capture_output=True, text=True, timeout=240, cwd="/workspace")
    if child.returncode != 0:
        sys.stderr.write(child.stderr[-4000:])
        sys.exit(f"flagging the test units with {MODEL} failed (exit {child.returncode})")
    try:
        flags = json.loads(child.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        sys.exit("the model's decisions could not be read")
    if len(flags) != len(truth) or any(f not in (0, 1) for f in flags):
        sys.exit(f"expected {len(truth)} decisions of 0 or 1, got {len(flags)}")
    missed = sum(1 for f, t in zip(flags, truth) if t == 1 and f == 0)
    alarms = sum(1 for f, t in zip(flags, truth) if t == 0 and f == 1)
    cost = (MISS * missed + ALARM * alarms) / len(truth) * 1000
    defects = sum(truth)
    sys.stderr.write(f"recall {(defects - missed) / defects:.3f}, flagged {sum(flags) / len(flags):.3%}, "
                     f"missed {missed}, false alarms {alarms}\n")
    print(f"cost_per_1000={cost:.2f}")


if __name__ == "__main__":
    main()
