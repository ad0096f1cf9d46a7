"""Scores the agent's metrics package on cases it never saw.

The child process (run_metrics.py) gets the inputs only; the expected values stay here.
A case passes when the value is within 1e-6 (relative or absolute) of the expected one, or
when the expected outcome is an error and the same error type is raised. Cases not reached
in the time limit (a quadratic-time implementation on 200,000 samples) fail. Prints
`passed=N total=N` and `fraction=F`; failing cases go to stderr.
"""

import json
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TIME_LIMIT_S = 120


def main():
    with open(os.path.join(HERE, "cases.json")) as f:
        cases = json.load(f)
    inputs = json.dumps([{k: c[k] for k in ("id", "fn", "args", "kwargs")} for c in cases])
    child = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "run_metrics.py")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd="/workspace",
    )
    try:
        out, err = child.communicate(inputs, timeout=TIME_LIMIT_S)
    except subprocess.TimeoutExpired:
        child.kill()
        out, err = child.communicate()
        sys.stderr.write(f"the metrics did not finish within {TIME_LIMIT_S}s; cases not reached fail\n")
    results = {}
    for line in out.splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            continue  # the agent's own prints
        if isinstance(r, dict) and "import_error" in r:
            sys.stderr.write(f"mlmetrics could not be imported: {r['import_error']}\n")
        elif isinstance(r, dict) and "id" in r:
            results[r["id"]] = r
    if err.strip():
        sys.stderr.write(err[-2000:])
    passed = 0
    for case in cases:
        want, got = case["expected"], results.get(case["id"])
        if got is None:
            ok, why = False, "not reached"
        elif isinstance(want, dict):
            ok = got.get("error") == want["error"]
            why = f"expected {want['error']}, got {got.get('error') or got.get('value')}"
        elif "value" not in got:
            ok, why = False, f"raised {got.get('error')}: {got.get('message')}"
        else:
            ok = math.isfinite(got["value"]) and math.isclose(got["value"], want, rel_tol=1e-6, abs_tol=1e-6)
            why = f"got {got['value']!r}, expected {want!r}"
        passed += ok
        if not ok:
            sys.stderr.write(f"{case['id']} {case['kwargs'] or ''}: {why}\n")
    print(f"passed={passed} total={len(cases)}")
    print(f"fraction={passed / len(cases):.4f}")


if __name__ == "__main__":
    main()
