"""Random clickstreams for the grader (the generator's recipe): bursts of events per user, ties, unsorted."""

import numpy as np
import pandas as pd


def clickstream(rng, n_users, n_events, tie_rate=0.08):
    users = rng.integers(1, n_users + 1, n_events)
    # Gaps mostly short, sometimes longer than the session gap, sometimes exactly 1800 s.
    gaps = np.where(rng.random(n_events) < 0.15, rng.integers(1801, 40000, n_events), rng.integers(1, 900, n_events))
    gaps[rng.random(n_events) < 0.02] = 1800
    gaps[rng.random(n_events) < tie_rate] = 0
    ts = np.zeros(n_events, dtype=np.int64)
    last = {}
    for i, u in enumerate(users):
        ts[i] = last.get(u, int(rng.integers(1_700_000_000, 1_700_100_000))) + gaps[i]
        last[u] = ts[i]
    kind = rng.choice(["view", "cart", "purchase"], n_events, p=[0.75, 0.17, 0.08])
    amount = np.where(kind == "purchase", np.round(rng.gamma(2, 20, n_events), 2), np.nan)
    amount[(kind == "purchase") & (rng.random(n_events) < 0.1)] = np.nan
    events = pd.DataFrame({"user_id": users, "ts": ts, "kind": kind, "amount": amount})
    return events.iloc[rng.permutation(n_events)].reset_index(drop=True)
