"""Scores an agent's SQL files against a database it never saw.

Each question `name` has the agent's query in `<queries_dir>/<name>.sql` and its expected rows in
`expected.json`. Every query runs on its own fresh in-memory copy of the hidden dump, read-only,
with a time limit, so only queries that compute the answer pass. Prints `correct=N`, `total=N`
and `fraction=F`.
"""

import json
import sqlite3
import sys
import time


def _hidden_copy(dump, time_limit_s):
    con = sqlite3.connect(":memory:")
    con.executescript(dump)
    con.execute("PRAGMA query_only = ON")
    deadline = time.monotonic() + time_limit_s
    con.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10000)
    return con


def _same_cell(got, want, tol):
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        try:
            return abs(float(got) - want) <= tol + 1e-9
        except (TypeError, ValueError):
            return False
    return got is not None and str(got).strip() == str(want)


def compare_rows(rows, expected, tol):
    """None when the rows match (numbers within `tol`), else what differs first."""
    if len(rows) != len(expected):
        return f"{len(rows)} rows, expected {len(expected)}"
    for i, (got, want) in enumerate(zip(rows, expected)):
        if len(got) != len(want):
            return f"row {i + 1} has {len(got)} columns, expected {len(want)}"
        for j, (g, w) in enumerate(zip(got, want)):
            if not _same_cell(g, w, tol):
                return f"row {i + 1}, column {j + 1}: got {g!r}, expected {w!r}"
    return None


def score_queries(dump_path, expected_path, tolerance, queries_dir="/workspace/queries", time_limit_s=20):
    """Runs every expected question's query on the hidden dump; `tolerance` maps names to slack."""
    with open(dump_path) as f:
        dump = f.read()
    with open(expected_path) as f:
        expected = json.load(f)
    correct = 0
    for name, want in expected.items():
        path = f"{queries_dir}/{name}.sql"
        try:
            with open(path) as f:
                sql = f.read()
        except OSError:
            sys.stderr.write(f"{name}: MISSING ({path} does not exist)\n")
            continue
        try:
            rows = _hidden_copy(dump, time_limit_s).execute(sql).fetchall()
        except (sqlite3.Error, sqlite3.Warning) as err:
            sys.stderr.write(f"{name}: ERROR {err}\n")
            continue
        problem = compare_rows(rows, want, tolerance[name])
        if problem:
            sys.stderr.write(f"{name}: WRONG {problem}\n")
        else:
            correct += 1
            sys.stderr.write(f"{name}: ok ({len(rows)} rows)\n")
    total = len(expected)
    print(f"correct={correct}")
    print(f"total={total}")
    print(f"fraction={correct / total:.4f}")
