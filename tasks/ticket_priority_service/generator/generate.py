"""Generates ticket_priority_service's tickets with a fixed seed.

A ticket's priority (low, medium, high) follows from its wait time, the customer's tier, their
history, the message length and the channel, through a noisy score. Writes the tickets the agent
gets (workspace/data/tickets.csv) and, from the same process, a training set and a test set only
the grader sees (grader/train_tickets.csv, grader/test_tickets.csv).

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 4242
TIERS = {"bronze": 0.0, "silver": 0.6, "gold": 1.4, "platinum": 2.2}
CHANNELS = {"email": -0.4, "chat": 0.2, "phone": 0.7}


def tickets(rng, n):
    df = pd.DataFrame({
        "wait_minutes": np.round(rng.exponential(40, n)).astype(int),
        "previous_tickets": rng.poisson(2, n),
        "message_length": np.round(rng.lognormal(5, 0.7, n)).astype(int),
        "customer_tier": rng.choice(list(TIERS), n, p=[0.5, 0.3, 0.15, 0.05]),
        "channel": rng.choice(list(CHANNELS), n, p=[0.5, 0.35, 0.15]),
    })
    score = (
        0.025 * df.wait_minutes
        + 0.3 * df.previous_tickets
        - 0.002 * df.message_length
        + df.customer_tier.map(TIERS)
        + df.channel.map(CHANNELS)
        + rng.normal(0, 0.25, n)
    )
    df["priority"] = np.select([score < 1.2, score < 2.6], ["low", "medium"], "high")
    return df


def main():
    rng = np.random.default_rng(SEED)
    here = Path(__file__).resolve().parent.parent
    tickets(rng, 2000).to_csv(here / "workspace/data/tickets.csv", index=False)
    tickets(rng, 2000).to_csv(here / "grader/train_tickets.csv", index=False)
    tickets(rng, 1500).to_csv(here / "grader/test_tickets.csv", index=False)


if __name__ == "__main__":
    main()
