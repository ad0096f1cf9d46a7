"""Hourly energy per site in UTC from cumulative meter readings (reference solution)."""

import csv
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pandas as pd

UTC = timezone.utc


def _instants(wall, zone):
    """The UTC instants a local wall time can mean: one, two in the repeated hour, none in the gap."""
    naive = datetime.strptime(wall, "%Y-%m-%d %H:%M:%S")
    found = []
    for fold in (0, 1):
        local = naive.replace(tzinfo=zone, fold=fold)
        # A wall time in the spring-forward gap does not round-trip: it never happened.
        if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive:
            found.append(local.astimezone(UTC))
    return sorted(set(found))


def hourly_consumption(readings_csv, sites_csv):
    with open(sites_csv, newline="") as f:
        sites = {r["site_id"]: r for r in csv.DictReader(f)}
    by_site = defaultdict(list)
    with open(readings_csv, newline="") as f:
        for r in csv.DictReader(f):
            by_site[r["site_id"]].append((r["reading_time"].strip(), float(r["counter_kwh"])))
    totals = defaultdict(float)
    for site, rows in by_site.items():
        zone = ZoneInfo(sites[site]["timezone"])
        utc_clock = sites[site]["meter_clock"] == "utc"
        previous = None  # (instant, counter)
        last_row = None
        for row in rows:
            if row == last_row:
                continue  # the meter sent the same reading twice
            last_row = row
            wall, counter = row
            if utc_clock:
                candidates = [datetime.strptime(wall, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)]
            else:
                candidates = _instants(wall, zone)
            # Readings come in the order sent: the earliest meaning after the previous reading.
            later = [c for c in candidates if previous is None or c > previous[0]]
            if not later:
                continue
            instant = later[0]
            if previous is not None:
                energy = counter - previous[1]
                if energy < 0:
                    energy = counter  # a replaced meter restarts at 0
                hour = previous[0].replace(minute=0, second=0, microsecond=0)
                totals[(site, hour)] += energy
            previous = (instant, counter)
    return pd.DataFrame(
        [(s, h.strftime("%Y-%m-%dT%H:00Z"), round(v, 3)) for (s, h), v in sorted(totals.items())],
        columns=["site_id", "hour_utc", "kwh"],
    )
