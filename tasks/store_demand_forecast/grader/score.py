"""Scores the agent's 28-day forecast against what the stores really sold.

Reads /workspace/forecast.csv (store, date, sales: one row per store and day of
2024-12-01..2024-12-28) and prints `wape=<value>`: the sum of absolute errors over the sum of
actual sales, computed here from grader/actuals.csv. Also prints, on stderr, the WAPE of the
seasonal naive forecast (the last week of November repeated) for comparison.
"""

import os
import sys

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
FORECAST = "/workspace/forecast.csv"

actuals = pd.read_csv(os.path.join(HERE, "actuals.csv"))
try:
    forecast = pd.read_csv(FORECAST, dtype={"store": str, "date": str})
    forecast = forecast[["store", "date", "sales"]]
except (OSError, ValueError, KeyError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
    sys.exit(f"{FORECAST} cannot be read as a CSV with store, date and sales: {err}")
forecast["date"] = pd.to_datetime(forecast["date"], errors="coerce").dt.strftime("%Y-%m-%d")
if forecast.duplicated(["store", "date"]).any():
    sys.exit(f"{FORECAST} has more than one row for a store and day")
merged = actuals.merge(forecast, on=["store", "date"], how="left", suffixes=("", "_forecast"))
predicted = pd.to_numeric(merged["sales_forecast"], errors="coerce")
if predicted.isna().any():
    missing = merged.loc[predicted.isna(), ["store", "date"]].head(3).to_dict("records")
    sys.exit(f"{FORECAST} lacks a number for {int(predicted.isna().sum())} store-days, e.g. {missing}")
if not np.isfinite(predicted).all() or (predicted < 0).any():
    sys.exit(f"{FORECAST} has negative or non-finite sales")
wape = float(np.abs(merged["sales"] - predicted).sum() / merged["sales"].sum())
print(f"wape={wape:.4f}")
