"""Features for the 30-day churn model, computed from the event log."""

import pandas as pd

EVENTS = ["login", "feature_use", "support_ticket", "billing_failure", "downgrade_page_view", "account_closed"]


def build_features(users: pd.DataFrame, events: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    """One row per user in `users` (indexed by user_id): what we know about them at `cutoff`."""
    counts = events.pivot_table(index="user_id", columns="event", values="timestamp", aggfunc="count")
    counts = counts.reindex(columns=EVENTS).reindex(users["user_id"]).fillna(0)
    counts["plan_pro"] = (users.set_index("user_id")["plan"] == "pro").astype(int)
    return counts
