"""A few examples of the contract; run with `python3 -m pytest -q tests`."""

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from validator import find_violations  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "data"
HEADER = "reading_id,station_id,timestamp,temperature_c,humidity_pct,wind_speed_ms,status\n"


def violations(tmp_path, body):
    batch = tmp_path / "batch.csv"
    batch.write_text(HEADER + body)
    return {(v["row"], v["column"], v["rule"]) for v in find_violations(str(batch), str(DATA / "stations.csv"))}


def test_a_clean_row_has_no_violation(tmp_path):
    assert violations(tmp_path, "R1,ST-001,2024-06-01T10:00:00Z,12.5,,3.2,ok\n") == set()


def test_range_and_format(tmp_path):
    found = violations(tmp_path, "R1,ST-001,2024-06-01T10:00:00Z,61,101,3.,ok\n")
    assert found == {(0, "temperature_c", "out_of_range"), (0, "humidity_pct", "out_of_range"), (0, "wind_speed_ms", "bad_format")}


def test_the_sample_batch(tmp_path):
    with open(DATA / "sample_violations.csv", newline="") as f:
        expected = {(int(r["row"]), r["column"], r["rule"]) for r in csv.DictReader(f)}
    found = {(v["row"], v["column"], v["rule"]) for v in find_violations(str(DATA / "sample_batch.csv"), str(DATA / "stations.csv"))}
    assert found == expected
