"""Runs the agent's evaluate.py on three hidden run/qrels pairs and checks every number.

The CLI runs in a child process; its JSON is compared with the grader's own implementation
(trec_reference.py). A unit is one metric of one case: right when the mean and every
per-query value are within 1e-6 and the evaluated queries are exactly the spec's. Prints
`units_right=N total=M` and `fraction=F`.
"""

import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from trec_reference import metrics  # noqa: E402

METRICS = ("ndcg@10", "mrr@10", "recall@100", "map")
TOL = 1e-6


def close(a, b):
    try:
        return abs(float(a) - float(b)) <= TOL
    except (TypeError, ValueError):
        return False


def main():
    right, total = 0, 0
    for n in (1, 2, 3):
        run = os.path.join(HERE, "cases", f"case{n}_run.txt")
        qrels = os.path.join(HERE, "cases", f"case{n}_qrels.txt")
        expected = metrics(run, qrels)
        total += len(METRICS)
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "metrics.json")
            child = subprocess.run([sys.executable, "/workspace/evaluate.py", "--run", run, "--qrels", qrels, "--out", out],
                                   capture_output=True, text=True, timeout=120, cwd="/workspace")
            try:
                with open(out) as f:
                    got = json.load(f)
                per_query, mean = got["per_query"], got["mean"]
            except (OSError, ValueError, KeyError, TypeError) as err:
                sys.stderr.write(f"case{n}: no readable output (exit {child.returncode}): {err}\n{child.stderr[-1500:]}\n")
                continue
        if not isinstance(per_query, dict) or set(per_query) != set(expected):
            extra = sorted(set(per_query) - set(expected)) if isinstance(per_query, dict) else "?"
            missing = sorted(set(expected) - set(per_query)) if isinstance(per_query, dict) else "?"
            sys.stderr.write(f"case{n}: evaluated queries differ (extra {extra}, missing {missing})\n")
            continue
        for m in METRICS:
            want_mean = sum(v[m] for v in expected.values()) / len(expected)
            bad = [q for q in expected if not isinstance(per_query[q], dict) or not close(per_query[q].get(m), expected[q][m])]
            ok = not bad and isinstance(mean, dict) and close(mean.get(m), want_mean)
            right += ok
            sys.stderr.write(f"case{n} {m}: {'ok' if ok else f'WRONG ({len(bad)} queries differ)'}\n")
    print(f"units_right={right} total={total}")
    print(f"fraction={right / total:.4f}")


if __name__ == "__main__":
    main()
