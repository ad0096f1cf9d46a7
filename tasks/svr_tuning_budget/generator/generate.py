"""Generates svr_tuning_budget's data with a fixed seed.

House energy use (kWh per month, around 900) from 8 standardisable features with very
different scales: a smooth non-linear signal plus noise. The target's scale (hundreds) and the
features' scales make scikit-learn's SVR defaults (C=1, epsilon=0.1) useless, and the good
region of C, gamma and epsilon spans orders of magnitude. Writes workspace/data/train.csv (what
the agent and the grader train on) and grader/test.csv (6,000 rows, only the grader sees them).

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 4711
SCALES = [1, 100, 0.01, 20, 5, 1000, 0.5, 3]


def sample(rng, n):
    Z = rng.normal(size=(n, 8))
    y = (900 + 120 * np.sin(1.5 * Z[:, 0]) + 90 * Z[:, 1] + 60 * Z[:, 2] ** 2 - 70 * np.tanh(Z[:, 3] * Z[:, 4])
         + 50 * np.cos(Z[:, 5]) + rng.normal(0, 40, n))
    df = pd.DataFrame((Z * SCALES).round(5), columns=[f"f{i}" for i in range(8)])
    df["kwh"] = y.round(1)
    return df


def main():
    rng = np.random.default_rng(SEED)
    here = Path(__file__).resolve().parent.parent
    sample(rng, 1200).to_csv(here / "workspace/data/train.csv", index=False)
    sample(rng, 6000).to_csv(here / "grader/test.csv", index=False)


if __name__ == "__main__":
    main()
