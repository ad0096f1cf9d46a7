"""Runs the agent's SQL files on a shop database it never saw and counts the right answers.

The hidden shop (hidden_shop.sql) has the same schema as workspace/shop.db but other
customers, orders and prices, so only queries that compute the answer pass: an answer
typed in from the visible shop does not. The expected rows (expected.json) were computed
by the generator in plain Python. Each query runs on its own fresh in-memory copy, read-only,
with a time limit. Prints `correct=N`, `total=N` and `fraction=F`; details go to stderr.
"""

import json
import os
import sqlite3
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
QUERIES_DIR = "/workspace/queries"
# Absolute slack per query: one unit of the rounding the question asks for, since summing in
# another order can land a value on the other side of a rounding boundary.
TOLERANCE = {
    "q1_monthly_revenue": 0.0101,
    "q2_top_customers": 0.0101,
    "q3_category_share_2024": 0.1001,
    "q4_repeat_buyers": 0.001001,
    "q5_signed_up_never_bought": 0,
}
TIME_LIMIT_S = 20


def hidden_copy(dump):
    con = sqlite3.connect(":memory:")
    con.executescript(dump)
    con.execute("PRAGMA query_only = ON")
    deadline = time.monotonic() + TIME_LIMIT_S
    con.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10000)
    return con


def same_cell(got, want, tol):
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        try:
            return abs(float(got) - want) <= tol + 1e-9
        except (TypeError, ValueError):
            return False
    return got is not None and str(got).strip() == str(want)


def compare(rows, expected, tol):
    if len(rows) != len(expected):
        return f"{len(rows)} rows, expected {len(expected)}"
    for i, (got, want) in enumerate(zip(rows, expected)):
        if len(got) != len(want):
            return f"row {i + 1} has {len(got)} columns, expected {len(want)}"
        for j, (g, w) in enumerate(zip(got, want)):
            if not same_cell(g, w, tol):
                return f"row {i + 1}, column {j + 1}: got {g!r}, expected {w!r}"
    return None


def main():
    with open(os.path.join(HERE, "hidden_shop.sql")) as f:
        dump = f.read()
    with open(os.path.join(HERE, "expected.json")) as f:
        expected = json.load(f)
    correct = 0
    for name, want in expected.items():
        path = os.path.join(QUERIES_DIR, f"{name}.sql")
        if not os.path.isfile(path):
            sys.stderr.write(f"{name}: MISSING ({path} does not exist)\n")
            continue
        with open(path) as f:
            sql = f.read()
        try:
            rows = hidden_copy(dump).execute(sql).fetchall()
        except (sqlite3.Error, sqlite3.Warning) as err:
            sys.stderr.write(f"{name}: ERROR {err}\n")
            continue
        problem = compare(rows, want, TOLERANCE[name])
        if problem:
            sys.stderr.write(f"{name}: WRONG {problem}\n")
        else:
            correct += 1
            sys.stderr.write(f"{name}: ok ({len(rows)} rows)\n")
    total = len(expected)
    print(f"correct={correct}")
    print(f"total={total}")
    print(f"fraction={correct / total:.4f}")


if __name__ == "__main__":
    main()
