"""Generates metrics_from_scratch's hidden cases with a fixed seed.

Writes grader/cases.json: inputs for each function of the metrics module and the expected
result. Expected values come from scikit-learn where it implements the same definition
(roc_auc_score, average_precision_score, f1_score with zero_division=0, log_loss) and, for
the expected calibration error, from a direct loop over the definition in the task's
instructions, written here independently of the reference solution.

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

import json
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, f1_score, log_loss, roc_auc_score

SEED = 5150


def ece_by_definition(y, p, n_bins):
    """Bin 0 is [0, 1/n]; bin i > 0 is (i/n, (i+1)/n]. Weighted mean gap over non-empty bins."""
    total = 0.0
    for i in range(n_bins):
        lo, hi = i / n_bins, (i + 1) / n_bins
        members = [k for k in range(len(p)) if (lo < p[k] <= hi) or (i == 0 and p[k] == 0.0)]
        if members:
            gap = abs(sum(y[k] for k in members) / len(members) - sum(p[k] for k in members) / len(members))
            total += len(members) / len(p) * gap
    return total


def large_case(n, rate, seed):
    """200,000 samples with ties, rebuilt from (n, rate, seed) at grading time to keep the fixture small.

    grader/run_metrics.py has the same function; both must stay identical.
    """
    r = np.random.default_rng(seed)
    y = (r.random(n) < rate).astype(np.int64)
    s = np.round(r.normal(size=n) + y, 2)
    return y, s


def main():
    rng = np.random.default_rng(SEED)
    cases = []

    def add(fn, args, kwargs, expected):
        cases.append({"id": f"{fn}-{len(cases):03d}", "fn": fn, "args": args, "kwargs": kwargs, "expected": expected})

    def binary(n, rate=0.3, decimals=None, signal=1.0):
        y = (rng.random(n) < rate).astype(int)
        if y.min() == y.max():
            y[0] = 1 - y[0]
        s = rng.normal(size=n) + signal * y
        if decimals is not None:
            s = np.round(s, decimals)  # ties
        return y.tolist(), s.tolist()

    for n, rate, dec in [(20, 0.5, None), (50, 0.2, 1), (200, 0.1, 0), (500, 0.4, 1), (33, 0.7, None),
                         (1000, 0.05, 2), (80, 0.5, 0), (300, 0.3, 1)]:
        y, s = binary(n, rate, dec)
        add("roc_auc", [y, s], {}, float(roc_auc_score(y, s)))
    add("roc_auc", [[0, 0, 1, 1], [0.5, 0.5, 0.5, 0.5]], {}, 0.5)
    add("roc_auc", [[1, 0, 1, 0, 1], [0.9, 0.1, 0.8, 0.3, 0.7]], {}, 1.0)
    add("roc_auc", [[1, 1, 1], [0.2, 0.3, 0.4]], {}, {"error": "ValueError"})
    add("roc_auc", [[0, 0], [0.2, 0.3]], {}, {"error": "ValueError"})
    y, s = large_case(200_000, 0.2, 11)
    add("roc_auc", {"large": [200_000, 0.2, 11]}, {}, float(roc_auc_score(y, s)))

    for n, rate, dec in [(20, 0.5, None), (60, 0.2, 1), (250, 0.1, 0), (400, 0.35, 1), (40, 0.8, None),
                         (90, 0.5, 0)]:
        y, s = binary(n, rate, dec)
        add("average_precision", [y, s], {}, float(average_precision_score(y, s)))
    add("average_precision", [[0, 1, 0, 1], [0.4, 0.4, 0.4, 0.4]], {}, 0.5)
    y, s = large_case(200_000, 0.1, 12)
    add("average_precision", {"large": [200_000, 0.1, 12]}, {}, float(average_precision_score(y, s)))

    for n, k in [(30, 2), (100, 3), (250, 4), (60, 5), (500, 3)]:
        y = rng.integers(0, k, n)
        pred = np.where(rng.random(n) < 0.6, y, rng.integers(0, k, n))
        for avg in (["binary"] if k == 2 else []) + ["macro", "micro", "weighted"]:
            add("f1", [y.tolist(), pred.tolist()], {"average": avg}, float(f1_score(y, pred, average=avg, zero_division=0)))
    # A class never predicted, a class predicted but absent, and explicit labels.
    y = [0, 0, 1, 1, 2, 2, 2, 0]
    pred = [0, 1, 1, 1, 1, 0, 3, 0]
    for avg in ["macro", "micro", "weighted"]:
        add("f1", [y, pred], {"average": avg}, float(f1_score(y, pred, average=avg, zero_division=0)))
    add("f1", [y, pred], {"average": "macro", "labels": [0, 1, 2, 4]},
        float(f1_score(y, pred, average="macro", labels=[0, 1, 2, 4], zero_division=0)))
    add("f1", [[0, 0, 0, 0], [0, 0, 0, 0]], {"average": "binary"}, 0.0)
    add("f1", [[1, 0, 1, 0], [1, 1, 0, 0]], {"average": "binary", "pos_label": 0},
        float(f1_score([1, 0, 1, 0], [1, 1, 0, 0], average="binary", pos_label=0, zero_division=0)))

    for n, bins in [(50, 10), (300, 10), (1000, 15), (200, 5), (75, 20), (500, 10)]:
        p = rng.random(n) ** 1.5
        y = (rng.random(n) < np.clip(p * 1.2, 0, 1)).astype(int)
        p = np.round(p, 2)  # some on bin edges, some exactly 0 or 1
        add("expected_calibration_error", [y.tolist(), p.tolist()], {"n_bins": bins},
            ece_by_definition(y.tolist(), p.tolist(), bins))
    edge_p = [0.0, 0.1, 0.2, 0.5, 1.0, 0.15, 0.25, 0.3, 0.95, 0.05]
    edge_y = [0, 0, 1, 1, 1, 0, 1, 0, 1, 0]
    add("expected_calibration_error", [edge_y, edge_p], {}, ece_by_definition(edge_y, edge_p, 10))
    add("expected_calibration_error", [edge_y, edge_p], {"n_bins": 4}, ece_by_definition(edge_y, edge_p, 4))

    for n in [10, 100, 1000]:
        y = (rng.random(n) < 0.4).astype(int)
        p = np.clip(rng.random(n) * 0.8 + 0.4 * y - 0.1, 0, 1)
        add("log_loss", [y.tolist(), p.tolist()], {}, float(log_loss(y, p, eps=1e-15, labels=[0, 1])))
    add("log_loss", [[1, 0, 1, 0], [1.0, 0.0, 0.0, 1.0]], {}, float(log_loss([1, 0, 1, 0], [1.0, 0.0, 0.0, 1.0], eps=1e-15)))
    add("log_loss", [[1, 1, 0], [0.9, 0.6, 0.2]], {}, float(log_loss([1, 1, 0], [0.9, 0.6, 0.2])))

    here = Path(__file__).resolve().parent.parent
    # One case per line: readable diffs, and no line too long for a search.
    (here / "grader/cases.json").write_text("[\n" + ",\n".join(json.dumps(c) for c in cases) + "\n]\n")
    counts = {}
    for c in cases:
        counts[c["fn"]] = counts.get(c["fn"], 0) + 1
    print(len(cases), "cases", counts)


if __name__ == "__main__":
    main()
