"""Features for the 30-day churn model (reference solution).

Only events strictly before the cutoff exist at scoring time, so everything is computed from
those: counts per event type over the last 7, 14, 30 and 60 days, how long since the customer
was last active, their activity rate over their whole tenure and over the last two weeks (and the
ratio: fading customers leave), tenure and plan.
"""

import numpy as np
import pandas as pd

KINDS = ["login", "feature_use", "support_ticket", "billing_failure", "downgrade_page_view"]


def build_features(users, events, cutoff):
    cutoff = pd.Timestamp(cutoff)
    events = events.assign(timestamp=pd.to_datetime(events["timestamp"]))
    known = events[events["timestamp"] < cutoff]
    out = pd.DataFrame(index=pd.Index(users["user_id"], name="user_id"))
    for days in (7, 14, 30, 60):
        window = known[known["timestamp"] >= cutoff - pd.Timedelta(days=days)]
        counts = window.groupby(["user_id", "event"]).size().unstack(fill_value=0)
        for kind in KINDS:
            out[f"{kind}_{days}d"] = counts[kind].reindex(out.index).fillna(0) if kind in counts else 0.0
    info = users.set_index("user_id")
    out["tenure_days"] = (cutoff - pd.to_datetime(info["signup_date"])).dt.days.reindex(out.index)
    active = known[known["event"].isin(["login", "feature_use"])]
    last = active.groupby("user_id")["timestamp"].max()
    out["days_since_active"] = ((cutoff - last).dt.total_seconds() / 86400).reindex(out.index).fillna(999.0)
    out["rate_all"] = active.groupby("user_id").size().reindex(out.index).fillna(0) / out["tenure_days"].clip(lower=1)
    out["rate_14d"] = (out["login_14d"] + out["feature_use_14d"]) / 14
    out["rate_trend"] = (out["rate_14d"] + 0.01) / (out["rate_all"] + 0.01)
    out["plan_pro"] = (info["plan"] == "pro").astype(int).reindex(out.index)
    return out.astype(np.float64)
