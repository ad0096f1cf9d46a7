"""Generates reproducible_training's data with a fixed seed.

Subscription customers: plan, city, device, usage numbers, and whether they renewed. Writes a
data folder the agent gets (workspace/data: shards/part-*.csv with labels, score.csv without)
and another from the same process that only the grader sees (grader/data, plus
grader/score_labels.csv with the outcomes of its score.csv).

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 77
CITIES = ["Lyon", "Porto", "Graz", "Ghent", "Turku", "Brno", "Cork", "Split", "Malmo", "Bergen",
          "Bilbao", "Kaunas", "Leeds", "Basel", "Aarhus", "Genoa"]


# The same effect of each city in every shard, the agent's and the grader's.
CITY_EFFECT = dict(zip(CITIES, np.random.default_rng(SEED + 1).normal(0, 0.6, len(CITIES))))


def customers(rng, n, start):
    plan = rng.choice(["basic", "plus", "pro"], n, p=[0.5, 0.35, 0.15])
    city = rng.choice(CITIES, n)
    device = rng.choice(["ios", "android", "web"], n, p=[0.4, 0.4, 0.2])
    sessions = rng.poisson(12, n)
    minutes = np.round(rng.gamma(2, 30, n), 1)
    tickets = rng.poisson(0.6, n)
    months = rng.integers(1, 48, n)
    z = 1.8 * (0.9 + 0.08 * (sessions - 12) + 0.01 * (minutes - 60) - 0.7 * tickets + 0.03 * months
         + np.select([plan == "plus", plan == "pro"], [0.4, 0.9], 0) - 0.5 * (device == "web")
         + np.array([CITY_EFFECT[c] for c in city]))
    renewed = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return pd.DataFrame({"customer_id": np.arange(start, start + n), "plan": plan, "city": city,
                         "device": device, "sessions": sessions, "minutes": minutes,
                         "tickets": tickets, "months": months, "renewed": renewed})


def write(rng, folder, start, labels_to=None):
    (folder / "shards").mkdir(parents=True, exist_ok=True)
    for i, n in enumerate((900, 1300, 700, 1100)):
        customers(rng, n, start + i * 10000).to_csv(folder / "shards" / f"part-{i}.csv", index=False)
    score = customers(rng, 1500, start + 90000)
    if labels_to is not None:
        score[["customer_id", "renewed"]].to_csv(labels_to, index=False)
    score.drop(columns="renewed").to_csv(folder / "score.csv", index=False)


def main():
    rng = np.random.default_rng(SEED)
    here = Path(__file__).resolve().parent.parent
    write(rng, here / "workspace/data", 100000)
    write(rng, here / "grader/data", 500000, labels_to=here / "grader/score_labels.csv")


if __name__ == "__main__":
    main()
