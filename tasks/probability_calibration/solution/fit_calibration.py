"""Reference solution: Platt scaling on the logit of the score, written as a dense knot table.

The score is a squashed logit, so a logistic regression on logit(score) recalibrates it with
two parameters; the map is then tabulated on a grid that is dense where the scores are.
"""

import json
import os

import numpy as np
from sklearn.linear_model import LogisticRegression

data = np.loadtxt("data/calibration.csv", delimiter=",", skiprows=1)
score, y = data[:, 0], data[:, 1].astype(int)


def logit(s):
    s = np.clip(s, 1e-6, 1 - 1e-6)
    return np.log(s / (1 - s))


model = LogisticRegression(C=1e6).fit(logit(score)[:, None], y)
grid = np.unique(np.concatenate([[0.0, 1.0], np.quantile(score, np.linspace(0, 1, 600)), np.linspace(0, 1, 201)]))
probabilities = model.predict_proba(logit(grid)[:, None])[:, 1]


def ece(y, p, n_bins=15):
    bins = np.clip(np.ceil(p * n_bins).astype(int) - 1, 0, n_bins - 1)
    return sum((bins == b).mean() * abs(y[bins == b].mean() - p[bins == b].mean()) for b in range(n_bins) if (bins == b).any())


calibrated = np.interp(score, grid, probabilities)
print(f"calibration set: ECE {ece(y, score):.4f} raw -> {ece(y, calibrated):.4f} calibrated")
os.makedirs("model", exist_ok=True)
with open("model/calibration.json", "w") as f:
    json.dump({"scores": grid.tolist(), "probabilities": probabilities.tolist()}, f)
