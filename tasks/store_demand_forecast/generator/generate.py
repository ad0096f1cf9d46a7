"""Generates store_demand_forecast's data with a fixed seed.

Daily unit sales of 10 stores over 2023-01-01..2024-11-30 (the history the agent gets) and the
next 28 days (2024-12-01..2024-12-28, only the grader sees them). Sales are multiplicative: a
store level with a trend, a store-specific weekly profile, a yearly cycle, promotions (planned in
advance, so their calendar covers the forecast window too: +35% to +60%), public holidays
(closed: 0 sales, also in the calendar) and the days before Christmas (+ up to 45%), times
log-normal noise.

Writes workspace/data/sales.csv (store, date, sales), workspace/data/calendar.csv (store, date,
promo, holiday for history and forecast window) and grader/actuals.csv.

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 1231
STORES = [f"S{i:02d}" for i in range(1, 11)]
HOLIDAYS = ["2023-01-01", "2023-04-10", "2023-05-01", "2023-12-25", "2023-12-26", "2024-01-01",
            "2024-04-01", "2024-05-01", "2024-12-25", "2024-12-26"]


def main():
    rng = np.random.default_rng(SEED)
    dates = pd.date_range("2023-01-01", "2024-12-28", freq="D")
    cutoff = pd.Timestamp("2024-11-30")
    holidays = set(pd.to_datetime(HOLIDAYS))
    rows = []
    for store in STORES:
        level = rng.uniform(80, 400)
        trend = rng.normal(0.25, 0.2)  # % per month
        weekly = np.exp(rng.normal(0, 0.18, 7))
        weekly[5] *= rng.uniform(1.1, 1.5)  # Saturdays are big
        weekly[6] *= rng.uniform(0.5, 1.0)
        weekly /= weekly.mean()
        amp, phase = rng.uniform(0.05, 0.2), rng.uniform(0, 2 * np.pi)
        promo_lift = rng.uniform(1.35, 1.6)
        promo = np.zeros(len(dates), dtype=int)
        start = int(rng.integers(0, 20))
        while start < len(dates):  # promotions of 3-7 days every 2-5 weeks, planned ahead
            length = int(rng.integers(3, 8))
            promo[start:start + length] = 1
            start += length + int(rng.integers(14, 35))
        for i, d in enumerate(dates):
            months = (d - dates[0]).days / 30.44
            mean = level * (1 + trend / 100) ** months * weekly[d.dayofweek]
            mean *= 1 + amp * np.sin(2 * np.pi * d.dayofyear / 365.25 + phase)
            if promo[i]:
                mean *= promo_lift
            if d.month == 12 and 10 <= d.day <= 24:
                mean *= 1 + 0.45 * (d.day - 9) / 15
            holiday = int(d in holidays)
            sales = 0 if holiday else int(round(mean * np.exp(rng.normal(0, 0.12))))
            rows.append((store, d.date().isoformat(), sales, int(promo[i]), holiday))
    df = pd.DataFrame(rows, columns=["store", "date", "sales", "promo", "holiday"])
    here = Path(__file__).resolve().parent.parent
    is_history = pd.to_datetime(df["date"]) <= cutoff
    df.loc[is_history, ["store", "date", "sales"]].to_csv(here / "workspace/data/sales.csv", index=False)
    df[["store", "date", "promo", "holiday"]].to_csv(here / "workspace/data/calendar.csv", index=False)
    df.loc[~is_history, ["store", "date", "sales"]].to_csv(here / "grader/actuals.csv", index=False)


if __name__ == "__main__":
    main()
