"""Generates meter_readings_utc's readings with fixed seeds.

Four sites' meters send a cumulative kWh counter every 15 minutes. The generator works in true
UTC instants and true consumption per interval, then writes what the meters send: local wall-clock
times for three sites (Berlin and New York change clocks; Pune is at +05:30) and UTC with a `Z` for
the fourth; the fall-back hour's wall times appear twice (in the order sent); some rows are sent
twice; meters go offline for a few hours; a replaced meter restarts its counter at 0. The truth
(kWh per site and UTC hour, by the rules in the instructions) is computed from the true intervals.

Writes the visible period (workspace/data/readings.csv, sites.csv) and two hidden periods across
other clock changes (grader/readings_spring.csv, grader/readings_autumn.csv, grader/truth.json).

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

import csv
import json
import random
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

SITES = [
    ("berlin_plant", "Europe/Berlin", "local"),
    ("newyork_store", "America/New_York", "local"),
    ("pune_office", "Asia/Kolkata", "local"),
    ("london_dc", "Europe/London", "utc"),
]
UTC = timezone.utc


def readings(seed, start_utc, days):
    rng = random.Random(seed)
    rows, truth = [], defaultdict(float)
    for site, tz, clock in SITES:
        zone = ZoneInfo(tz)
        base = rng.uniform(5, 40)
        counter = rng.uniform(1000, 90000)
        t = start_utc
        end = start_utc + timedelta(days=days)
        reset_at = start_utc + timedelta(hours=rng.randrange(24, days * 24 - 24))
        offline = start_utc + timedelta(hours=rng.randrange(12, days * 24 - 12))
        offline_hours = rng.randint(2, 5)
        previous = None
        while t < end:
            if offline <= t < offline + timedelta(hours=offline_hours):
                t += timedelta(minutes=15)
                continue
            if previous is not None:
                # Energy of the interval (previous, t]: daily and weekly rhythm plus noise.
                local = previous.astimezone(zone)
                hours = (t - previous).total_seconds() / 3600
                load = base * (1.0 + 0.6 * (8 <= local.hour < 19)) * (0.7 if local.weekday() >= 5 else 1.0)
                energy = round(load * hours * rng.uniform(0.85, 1.15), 3)
                truth[(site, previous.strftime("%Y-%m-%dT%H:00Z"))] += energy
                if previous < reset_at <= t:
                    counter = energy  # the new meter counted from 0
                else:
                    counter += energy
            stamp = t.strftime("%Y-%m-%dT%H:%M:%SZ") if clock == "utc" else t.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
            rows.append([site, stamp, f"{counter:.3f}"])
            if rng.random() < 0.02:
                rows.append([site, stamp, f"{counter:.3f}"])  # sent twice
            previous = t
            t += timedelta(minutes=15)
    return rows, {f"{s}|{h}": round(v, 3) for (s, h), v in sorted(truth.items())}


def write(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["site_id", "reading_time", "counter_kwh"])
        w.writerows(rows)


def main():
    here = Path(__file__).resolve().parent.parent
    with open(here / "workspace/data/sites.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["site_id", "timezone", "meter_clock"])
        w.writerows(SITES)
    rows, _ = readings(31, datetime(2024, 10, 21, tzinfo=UTC), 16)  # EU and US fall back
    write(here / "workspace/data/readings.csv", rows)
    truths = {}
    for name, seed, start, days in [("spring", 32, datetime(2024, 3, 6, tzinfo=UTC), 28),  # US, EU spring forward
                                    ("autumn", 33, datetime(2023, 10, 24, tzinfo=UTC), 16)]:  # EU, US fall back
        rows, truth = readings(seed, start, days)
        write(here / f"grader/readings_{name}.csv", rows)
        truths[name] = truth
    (here / "grader/truth.json").write_text(
        "{\n" + ",\n".join(f'"{k}": {{\n' + ",\n".join(f'"{h}": {v}' for h, v in t.items()) + "\n}" for k, t in truths.items()) + "\n}\n"
    )
    print({k: len(v) for k, v in truths.items()}, "hour cells")


if __name__ == "__main__":
    main()
