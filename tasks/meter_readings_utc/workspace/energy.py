"""Hourly energy per site in UTC from cumulative meter readings."""

import pandas as pd


def hourly_consumption(readings_csv: str, sites_csv: str) -> pd.DataFrame:
    """Returns columns site_id, hour_utc ('YYYY-MM-DDTHH:00Z'), kwh: see the task description."""
    raise NotImplementedError
