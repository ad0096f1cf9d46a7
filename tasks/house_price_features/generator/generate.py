"""Generates house_price_features's sales with a fixed seed.

log(price) is a sum of effects of features a careful analyst can build: log living area, a
smaller log lot effect, the house's age at sale, the neighbourhood, the condition (an ordered
scale), a garage, a premium that decays with distance to the old town square, a steady market
trend since 2019 and a mild seasonality, plus noise. Writes the sales the agent gets
(workspace/data/train.csv) and later sales from the same market that only the grader sees
(grader/holdout.csv).

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 60657
CENTER = (48.1374, 11.5755)
NEIGHBORHOODS = ["altstadt", "au", "bogenhausen", "giesing", "haidhausen", "laim", "moosach", "neuhausen",
                 "pasing", "schwabing", "sendling", "trudering"]
CONDITIONS = ["poor", "fair", "good", "excellent"]


def market(rng):
    """What every sale in the city shares: each neighbourhood's price effect and location."""
    hood_effect = dict(zip(NEIGHBORHOODS, np.linspace(-0.3, 0.3, len(NEIGHBORHOODS))[rng.permutation(len(NEIGHBORHOODS))]))
    hood_center = {h: (CENTER[0] + rng.normal(0, 0.05), CENTER[1] + rng.normal(0, 0.08)) for h in NEIGHBORHOODS}
    return hood_effect, hood_center


def sales(rng, city, n, start, end):
    hood_effect, hood_center = city
    hood = rng.choice(NEIGHBORHOODS, n)
    lat = np.array([hood_center[h][0] for h in hood]) + rng.normal(0, 0.012, n)
    lon = np.array([hood_center[h][1] for h in hood]) + rng.normal(0, 0.018, n)
    days = rng.integers(0, (end - start).days, n)
    sale = [start + timedelta(days=int(d)) for d in days]
    year_built = rng.integers(1900, 2022, n)
    year_built = np.minimum(year_built, [s.year for s in sale])
    living = np.round(np.exp(rng.normal(np.log(1300), 0.4, n)))
    lot = np.round(living * np.exp(rng.normal(1.0, 0.5, n)))
    bedrooms = np.clip(np.round(living / 450 + rng.normal(0, 0.7, n)), 1, 7).astype(int)
    bathrooms = np.clip(np.round(bedrooms / 2 + rng.normal(0, 0.5, n)), 1, 4).astype(int)
    condition = rng.choice(CONDITIONS, n, p=[0.1, 0.3, 0.45, 0.15])
    garage = rng.choice(["yes", "no"], n, p=[0.55, 0.45])
    # Distance in km (equirectangular is plenty at city scale).
    dy = (lat - CENTER[0]) * 111.2
    dx = (lon - CENTER[1]) * 111.2 * np.cos(np.radians(CENTER[0]))
    dist = np.hypot(dx, dy)
    months = np.array([(s.year - 2019) * 12 + s.month - 1 for s in sale])
    sale_month = np.array([s.month for s in sale])
    age = np.array([s.year for s in sale]) - year_built
    log_price = (
        6.2
        + 0.85 * np.log(living)
        + 0.12 * np.log(lot)
        - 0.0035 * age
        + np.array([hood_effect[h] for h in hood])
        + 0.12 * np.array([CONDITIONS.index(c) for c in condition])
        + 0.06 * (garage == "yes")
        + 0.45 * np.exp(-dist / 2.5)
        + 0.006 * months
        + 0.03 * np.sin(2 * np.pi * (sale_month - 3) / 12)
        + rng.normal(0, 0.07, n)
    )
    df = pd.DataFrame({
        "sale_date": [s.isoformat() for s in sale], "year_built": year_built, "living_area_sqft": living.astype(int),
        "lot_area_sqft": lot.astype(int), "bedrooms": bedrooms, "bathrooms": bathrooms, "neighborhood": hood,
        "latitude": np.round(lat, 5), "longitude": np.round(lon, 5), "garage": garage, "condition": condition,
        "price": np.round(np.exp(log_price), -2).astype(int),
    })
    # Missing garage answers on the listing form (as likely with or without a garage).
    df.loc[rng.random(n) < 0.06, "garage"] = ""
    return df


def main():
    rng = np.random.default_rng(SEED)
    city = market(rng)
    train = sales(rng, city, 3000, date(2019, 1, 1), date(2023, 7, 1))
    # The holdout: the following year's sales in the same city (the trend must extrapolate).
    holdout = sales(rng, city, 1000, date(2023, 7, 1), date(2024, 7, 1))
    here = Path(__file__).resolve().parent.parent
    train.insert(0, "house_id", [f"H{i:05d}" for i in range(len(train))])
    holdout.insert(0, "house_id", [f"H{90000 + i:05d}" for i in range(len(holdout))])
    train.to_csv(here / "workspace/data/train.csv", index=False)
    holdout.to_csv(here / "grader/holdout.csv", index=False)
    print(len(train), "train sales,", len(holdout), "holdout sales")


if __name__ == "__main__":
    main()
