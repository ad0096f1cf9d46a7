"""Generates subject_split_leakage's wearable-sensor windows with a fixed seed.

Each subject wears the sensor differently, which shifts and scales every feature by a
subject-specific amount that is larger than the differences between activities. Windows of one
subject are therefore much more alike than windows of one activity, so a model validated on a
random split of windows recognises the subjects it has seen and flatters itself. Writes 40
subjects the agent gets (workspace/data/windows.csv) and 30 new subjects only the grader sees
(grader/new_subjects.csv).

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 777
ACTIVITIES = ["walking", "running", "cycling", "resting"]
N_FEATURES = 10


def subjects(rng, ids, class_means):
    rows = []
    for sid in ids:
        offset = rng.normal(0, 2.0, N_FEATURES)
        scale = np.exp(rng.normal(0, 0.25, N_FEATURES))
        mix = rng.dirichlet(np.full(len(ACTIVITIES), 3.0))
        n = rng.integers(120, 200)
        labels = rng.choice(len(ACTIVITIES), n, p=mix)
        X = (class_means[labels] + rng.normal(0, 1.0, (n, N_FEATURES))) * scale + offset
        for x, y in zip(np.round(X, 4), labels):
            rows.append([sid, *x, ACTIVITIES[y]])
    return pd.DataFrame(rows, columns=["subject_id", *[f"f{i:02d}" for i in range(N_FEATURES)], "activity"])


def main():
    rng = np.random.default_rng(SEED)
    class_means = rng.normal(0, 0.9, (len(ACTIVITIES), N_FEATURES))
    here = Path(__file__).resolve().parent.parent
    train = subjects(rng, [f"S{i:03d}" for i in range(1, 41)], class_means)
    new = subjects(rng, [f"S{i:03d}" for i in range(101, 131)], class_means)
    train.to_csv(here / "workspace/data/windows.csv", index=False)
    new.to_csv(here / "grader/new_subjects.csv", index=False)
    print(len(train), "windows of 40 subjects;", len(new), "windows of 30 new subjects")


if __name__ == "__main__":
    main()
