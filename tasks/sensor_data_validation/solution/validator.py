"""Checks a batch of station readings against CONTRACT.md (reference solution)."""

import csv
import re
from datetime import date, datetime

NUMBER = re.compile(r"-?\d+(\.\d+)?")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
STATUSES = {"ok", "maintenance", "fault"}
RANGES = {"temperature_c": (-50, 60), "humidity_pct": (0, 100), "wind_speed_ms": (0, 75)}


def _number_rule(value, column):
    if not NUMBER.fullmatch(value):
        return "bad_format"
    low, high = RANGES[column]
    return None if low <= float(value) <= high else "out_of_range"


def _timestamp(value):
    if not TIMESTAMP.fullmatch(value):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None


def find_violations(readings_csv, stations_csv):
    with open(stations_csv, newline="") as f:
        installed = {r["station_id"].strip(): date.fromisoformat(r["installed_on"].strip()) for r in csv.DictReader(f)}
    out = []
    seen = set()
    with open(readings_csv, newline="") as f:
        for i, raw in enumerate(csv.DictReader(f)):
            row = {k: (v or "").strip() for k, v in raw.items()}

            def flag(column, rule):
                out.append({"row": i, "column": column, "rule": rule})

            rid = row["reading_id"]
            if not rid:
                flag("reading_id", "missing")
            elif rid in seen:
                flag("reading_id", "duplicate")
            seen.add(rid)

            station = row["station_id"]
            if not station:
                flag("station_id", "missing")
            elif station not in installed:
                flag("station_id", "unknown_station")

            ts = row["timestamp"]
            if not ts:
                flag("timestamp", "missing")
            else:
                parsed = _timestamp(ts)
                if parsed is None:
                    flag("timestamp", "bad_format")
                elif station in installed and parsed.date() < installed[station]:
                    flag("timestamp", "before_install")

            status = row["status"]
            if not status:
                flag("status", "missing")
            elif status not in STATUSES:
                flag("status", "bad_value")

            for column in ("temperature_c", "humidity_pct", "wind_speed_ms"):
                value = row[column]
                if not value:
                    required = column == "wind_speed_ms" or (column == "temperature_c" and status != "fault")
                    if required:
                        flag(column, "missing")
                    continue
                rule = _number_rule(value, column)
                if rule:
                    flag(column, rule)
    return out
