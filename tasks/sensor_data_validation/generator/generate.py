"""Generates sensor_data_validation's batches with fixed seeds.

Writes the station registry, a sample batch and the sample's violations, which the agent
gets (workspace/data/), and two
more batches from other seeds that only the grader sees (grader/batch_a.csv,
grader/batch_b.csv) with the violations each contains (grader/truth.json). Every
violation is injected on purpose into an otherwise clean reading and recorded as it is
made, so the truth comes from the generator, never from a validator.

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

import csv
import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path

REGISTRY_SEED = 11
BATCHES = {"workspace/data/sample_batch.csv": 101, "grader/batch_a.csv": 202, "grader/batch_b.csv": 303}
COLUMNS = ["reading_id", "station_id", "timestamp", "temperature_c", "humidity_pct", "wind_speed_ms", "status"]


def registry():
    rng = random.Random(REGISTRY_SEED)
    stations = []
    for i in range(1, 13):
        installed = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 500))
        stations.append({"station_id": f"ST-{i:03d}", "name": f"Station {i}", "installed_on": installed.isoformat()})
    return stations


def clean_row(rng, n, stations):
    st = rng.choice(stations)
    installed = date.fromisoformat(st["installed_on"])
    t = datetime.combine(installed, datetime.min.time()) + timedelta(days=rng.randrange(1, 200), seconds=rng.randrange(86400))
    status = rng.choices(["ok", "maintenance", "fault"], [0.85, 0.1, 0.05])[0]
    return {
        "reading_id": f"R{n:06d}",
        "station_id": st["station_id"],
        "timestamp": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "temperature_c": f"{rng.uniform(-20, 38):.1f}",
        "humidity_pct": "" if rng.random() < 0.1 else f"{rng.uniform(5, 99):.1f}",
        "wind_speed_ms": f"{rng.uniform(0, 25):.2f}",
        "status": status,
    }


# Each injector changes one cell of a clean row and returns the rule it breaks (None: legal variation).
KINDS = [
    "missing_temp", "fault_no_temp", "temp_text", "temp_comma", "temp_range", "temp_edge",
    "hum_range", "hum_text", "hum_blank", "wind_missing", "wind_negative", "wind_sci",
    "status_case", "status_other", "status_blank", "station_unknown", "station_blank",
    "ts_space", "ts_invalid_date", "ts_no_z", "ts_before_install", "dup_id", "id_blank",
    "spaces_ok", "plus_sign",
]


def inject(rng, kind, row, stations, seen_ids):
    if kind == "missing_temp":
        if row["status"] == "fault":
            row["status"] = "ok"
        row["temperature_c"] = rng.choice(["", "  "])
        return ("temperature_c", "missing")
    if kind == "fault_no_temp":
        row["status"], row["temperature_c"] = "fault", ""
        return None
    if kind == "temp_text":
        row["temperature_c"] = rng.choice(["N/A", "NaN", "err", "--"])
        return ("temperature_c", "bad_format")
    if kind == "temp_comma":
        row["temperature_c"] = row["temperature_c"].replace(".", ",")
        return ("temperature_c", "bad_format")
    if kind == "temp_range":
        row["temperature_c"] = rng.choice(["61.0", "-50.5", "85", "-99.9", "60.01"])
        return ("temperature_c", "out_of_range")
    if kind == "temp_edge":
        row["temperature_c"] = rng.choice(["60", "-50", "60.0", "-50.00"])
        return None
    if kind == "hum_range":
        row["humidity_pct"] = rng.choice(["100.5", "-1", "140", "-0.1"])
        return ("humidity_pct", "out_of_range")
    if kind == "hum_text":
        row["humidity_pct"] = rng.choice(["high", "50%", "1e2"])
        return ("humidity_pct", "bad_format")
    if kind == "hum_blank":
        row["humidity_pct"] = rng.choice(["", "   "])
        return None
    if kind == "wind_missing":
        row["wind_speed_ms"] = ""
        return ("wind_speed_ms", "missing")
    if kind == "wind_negative":
        row["wind_speed_ms"] = rng.choice(["-0.5", "-3", "75.5", "120"])
        return ("wind_speed_ms", "out_of_range")
    if kind == "wind_sci":
        row["wind_speed_ms"] = rng.choice(["1e1", "3.", ".5", "4.2.1"])
        return ("wind_speed_ms", "bad_format")
    if kind == "status_case":
        row["status"] = rng.choice(["OK", "Ok", "FAULT", "Maintenance"])
        return ("status", "bad_value")
    if kind == "status_other":
        row["status"] = rng.choice(["broken", "unknown", "okay"])
        return ("status", "bad_value")
    if kind == "status_blank":
        row["status"] = ""
        return ("status", "missing")
    if kind == "station_unknown":
        row["station_id"] = rng.choice(["ST-099", "ST-13", "st-001", "ST001"])
        return ("station_id", "unknown_station")
    if kind == "station_blank":
        row["station_id"] = " "
        return ("station_id", "missing")
    if kind == "ts_space":
        row["timestamp"] = row["timestamp"].replace("T", " ")
        return ("timestamp", "bad_format")
    if kind == "ts_invalid_date":
        row["timestamp"] = rng.choice(["2024-02-30T10:00:00Z", "2023-13-01T00:00:00Z", "2024-06-31T12:30:00Z", "2024-01-10T25:00:00Z"])
        st = next(s for s in stations if s["station_id"] == row["station_id"])
        st_date = date.fromisoformat(st["installed_on"])
        if st_date > date(2023, 12, 1):  # keep the case unambiguous: a bad date, never a before_install
            row["timestamp"] = "2025-02-29T08:00:00Z"  # 2025 is not a leap year
        return ("timestamp", "bad_format")
    if kind == "ts_no_z":
        row["timestamp"] = row["timestamp"].rstrip("Z")
        return ("timestamp", "bad_format")
    if kind == "ts_before_install":
        st = next(s for s in stations if s["station_id"] == row["station_id"])
        before = datetime.combine(date.fromisoformat(st["installed_on"]), datetime.min.time()) - timedelta(seconds=rng.randrange(1, 86400 * 30))
        row["timestamp"] = before.strftime("%Y-%m-%dT%H:%M:%SZ")
        return ("timestamp", "before_install")
    if kind == "dup_id":
        if not seen_ids:
            return None
        row["reading_id"] = rng.choice(seen_ids)
        return ("reading_id", "duplicate")
    if kind == "id_blank":
        row["reading_id"] = ""
        return ("reading_id", "missing")
    if kind == "spaces_ok":
        row["temperature_c"] = f"  {row['temperature_c']} "
        row["station_id"] = f" {row['station_id']}"
        return None
    if kind == "plus_sign":
        row["wind_speed_ms"] = "+" + row["wind_speed_ms"]
        return ("wind_speed_ms", "bad_format")
    raise AssertionError(kind)


# Injections that touch one column and read no other: two of them may share a row when their columns differ.
INDEPENDENT = {
    "temp_text": "temperature_c", "temp_comma": "temperature_c", "temp_range": "temperature_c",
    "temp_edge": "temperature_c", "hum_range": "humidity_pct", "hum_text": "humidity_pct",
    "hum_blank": "humidity_pct", "wind_missing": "wind_speed_ms", "wind_negative": "wind_speed_ms",
    "wind_sci": "wind_speed_ms", "plus_sign": "wind_speed_ms", "dup_id": "reading_id", "id_blank": "reading_id",
}


def batch(seed, stations, n_rows=400, error_rate=0.3):
    rng = random.Random(seed)
    rows, truth, seen_ids = [], [], []
    for n in range(n_rows):
        row = clean_row(rng, seed * 10000 + n, stations)
        if rng.random() < error_rate:
            kinds = [rng.choice(KINDS)]
            if kinds[0] in INDEPENDENT and rng.random() < 0.3:
                second = rng.choice(sorted(INDEPENDENT))
                if INDEPENDENT[second] != INDEPENDENT[kinds[0]]:
                    kinds.append(second)
            for kind in kinds:
                found = inject(rng, kind, row, stations, seen_ids)
                if found:
                    truth.append((n, *found))
        rows.append(row)
        if row["reading_id"]:
            seen_ids.append(row["reading_id"])
    return rows, truth


def main():
    here = Path(__file__).resolve().parent.parent
    stations = registry()
    with open(here / "workspace/data/stations.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["station_id", "name", "installed_on"], lineterminator="\n")
        w.writeheader()
        w.writerows(stations)
    truths = {}
    for rel, seed in BATCHES.items():
        rows, truth = batch(seed, stations)
        with open(here / rel, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        truths[Path(rel).name] = sorted([list(t) for t in truth])
        print(rel, len(rows), "rows,", len(truth), "violations")
    (here / "grader/truth.json").write_text(
        json.dumps({k: v for k, v in truths.items() if k != "sample_batch.csv"}, indent=0) + "\n"
    )
    # The sample's violations are the agent's to check its work against.
    with open(here / "workspace/data/sample_violations.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["row", "column", "rule"])
        w.writerows(truths["sample_batch.csv"])


if __name__ == "__main__":
    main()
