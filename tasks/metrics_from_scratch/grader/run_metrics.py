"""Calls the agent's metric functions on the cases' inputs; prints one JSON line per case.

A child of score.py, which keeps the expected values: this process reads the inputs from
stdin. scikit-learn, scipy and pandas are made unimportable before the agent's package is
imported (the task asks for numpy only). /workspace is appended, not prepended, to the path.
"""

import json
import sys

for banned in ("sklearn", "scipy", "pandas", "statsmodels", "torch"):
    sys.modules[banned] = None  # `import sklearn` now raises ImportError

sys.path.append("/workspace")

import numpy as np  # noqa: E402


def large_case(n, rate, seed):
    """Identical to generator/generate.py's large_case."""
    r = np.random.default_rng(seed)
    y = (r.random(n) < rate).astype(np.int64)
    s = np.round(r.normal(size=n) + y, 2)
    return y, s


def main():
    cases = json.load(sys.stdin)
    try:
        import mlmetrics
    except Exception as err:  # noqa: BLE001 - any import failure is the work's
        print(json.dumps({"import_error": f"{type(err).__name__}: {err}"}), flush=True)
        return
    for case in cases:
        args = case["args"]
        args = list(large_case(*args["large"])) if isinstance(args, dict) else [np.asarray(a) for a in args]
        try:
            value = getattr(mlmetrics, case["fn"])(*args, **case["kwargs"])
            out = {"id": case["id"], "value": float(value)}
        except Exception as err:  # noqa: BLE001
            out = {"id": case["id"], "error": type(err).__name__, "message": str(err)[:200]}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
