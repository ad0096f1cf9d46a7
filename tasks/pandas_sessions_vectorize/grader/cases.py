"""Hidden inputs for session_features, made here with fixed seeds (the agent never sees them)."""

import numpy as np
import pandas as pd

from clickstream import clickstream


def cases():
    rng = np.random.default_rng(90210)
    out = []
    base = clickstream(rng, n_users=40, n_events=900)
    out.append(("random", base))
    out.append(("many_ties", clickstream(rng, n_users=15, n_events=500, tie_rate=0.5)))
    out.append(("one_user", clickstream(rng, n_users=1, n_events=200)))
    shuffled = base.copy()
    shuffled.index = rng.permutation(np.arange(5000, 5000 + len(base)))  # an index that is not 0..n-1
    out.append(("custom_index", shuffled))
    out.append(("string_index", base.head(120).set_axis([f"e{i}" for i in range(120)])))
    exact = pd.DataFrame({"user_id": [5, 5, 5, 5, 5, 6], "ts": [0, 1800, 3601, 3601, 5401, 0],
                          "kind": ["purchase", "view", "purchase", "view", "cart", "view"],
                          "amount": [10.0, np.nan, np.nan, np.nan, np.nan, np.nan]})
    out.append(("gap_exactly_1800", exact))
    same_ts = pd.DataFrame({"user_id": [3, 3, 3, 3], "ts": [100, 100, 100, 100],
                            "kind": ["view", "purchase", "purchase", "view"], "amount": [np.nan, 5.5, 2.25, np.nan]})
    out.append(("purchases_at_same_ts", same_ts))
    out.append(("single_event", base.head(1)))
    out.append(("empty", base.head(0)))
    no_purchase = base[base["kind"] != "purchase"].reset_index(drop=True)
    out.append(("no_purchases", no_purchase))
    return out
