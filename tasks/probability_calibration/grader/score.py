"""Scores the agent's calibration map on 20,000 test scores it never saw.

model/calibration.json is data, not code: {"scores": [...], "probabilities": [...]}, knots of
a piecewise-linear map (scores strictly increasing, probabilities in [0, 1], at most 1,000
knots; scores outside the knots take the nearest end's probability). The grader applies it
with numpy.interp and computes every metric itself from the test labels:
`ece` (15 equal-width bins, edges to the lower bin), `brier`, and `auc_drop` (the raw scores'
ROC AUC minus the calibrated probabilities', which a monotone map keeps near 0).
"""

import json
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MAP = "/workspace/model/calibration.json"


def ece(y, p, n_bins=15):
    bins = np.clip(np.ceil(p * n_bins).astype(int) - 1, 0, n_bins - 1)
    total = 0.0
    for b in range(n_bins):
        m = bins == b
        if m.any():
            total += m.mean() * abs(y[m].mean() - p[m].mean())
    return total


def auc(y, s):
    order = np.argsort(s, kind="mergesort")
    sorted_s = s[order]
    ranks = np.empty(len(s))
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_s)) + 1]
    ends = np.r_[starts[1:], len(s)]
    for a, b in zip(starts, ends):
        ranks[order[a:b]] = (a + 1 + b) / 2.0
    n_pos = y.sum()
    return (ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * (len(y) - n_pos))


def load_map():
    try:
        with open(MAP) as f:
            m = json.load(f)
        xs = [float(v) for v in m["scores"]]
        ps = [float(v) for v in m["probabilities"]]
    except (OSError, ValueError, KeyError, TypeError) as err:
        sys.exit(f"{MAP} cannot be read as a calibration map: {err}")
    problems = []
    if not 2 <= len(xs) <= 1000 or len(xs) != len(ps):
        problems.append(f"needs 2 to 1,000 knots and as many probabilities ({len(xs)} scores, {len(ps)} probabilities)")
    if not all(math.isfinite(v) for v in xs + ps):
        problems.append("holds a value that is not finite")
    elif any(b <= a for a, b in zip(xs, xs[1:])):
        problems.append("scores are not strictly increasing")
    elif any(not 0 <= p <= 1 for p in ps):
        problems.append("a probability is outside [0, 1]")
    if problems:
        sys.exit(f"{MAP}: " + "; ".join(problems))
    return np.array(xs), np.array(ps)


def main():
    data = np.loadtxt(os.path.join(HERE, "test.csv"), delimiter=",", skiprows=1)
    score, y = data[:, 0], data[:, 1].astype(int)
    xs, ps = load_map()
    p = np.interp(score, xs, ps)
    result = {
        "ece": ece(y, p),
        "brier": float(np.mean((p - y) ** 2)),
        "auc_drop": auc(y, score) - auc(y, p),
        "raw_ece": ece(y, score),
        "raw_brier": float(np.mean((score - y) ** 2)),
    }
    sys.stderr.write(json.dumps(result) + "\n")
    for key in ("ece", "brier", "auc_drop"):
        print(f"{key}={result[key]:.6f}")


if __name__ == "__main__":
    main()
