"""Generates pandas_sessions_vectorize's sample clickstream with a fixed seed.

The grader makes its own inputs (grader/cases.py, fixed seed, and fresh timing inputs at each
grading); this writes only the sample the agent can look at and benchmark with
(workspace/data/events.csv). Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from clickstream import clickstream  # noqa: E402

import numpy as np  # noqa: E402

if __name__ == "__main__":
    events = clickstream(np.random.default_rng(2718), n_users=300, n_events=6000)
    events.to_csv(HERE.parent / "workspace/data/events.csv", index=False)
