"""Per-event session features for the clickstream model.

Correct, and the slowest step of the nightly job by far: `session_features` walks the events
one row at a time. Its docstring is the specification.
"""

import math

import numpy as np
import pandas as pd

SESSION_GAP_S = 1800


def session_features(events):
    """Session features of each event.

    events: a DataFrame with columns `user_id` (int), `ts` (int, seconds), `kind` ('view',
    'cart' or 'purchase') and `amount` (float; NaN except on purchases, and sometimes NaN there
    too), in any order, with any index.

    Each user's events are taken in time order; events of one user with the same `ts` keep
    their order in the input. A user's first event starts a session, and so does every event
    that comes more than SESSION_GAP_S seconds after the user's previous event (exactly
    SESSION_GAP_S does not). For every event:
      session        the user's session number, 1 for the first session
      position       the event's position in its session, 1 for the first event
      session_age_s  seconds since the session's first event
      views_so_far   'view' events in the session up to and including this one
      revenue_so_far sum of `amount` of the session's events up to and including this one
                     (NaN amounts count as 0)
      since_purchase seconds since the user's most recent earlier purchase (in any session;
                     an earlier event at the same ts counts, the event itself does not), NaN
                     when there is none
    Returns a DataFrame with these six columns, with the same index as `events` and in the
    same row order; `session`, `position` and `views_so_far` as int64, the others float64.
    """
    order = sorted(range(len(events)), key=lambda i: (events["user_id"].iloc[i], events["ts"].iloc[i], i))
    result = {}
    state = {}
    for i in order:
        row = events.iloc[i]
        user, ts = int(row["user_id"]), int(row["ts"])
        s = state.get(user)
        if s is None or ts - s["last_ts"] > SESSION_GAP_S:
            s = {
                "session": (s["session"] + 1) if s else 1,
                "start": ts,
                "position": 0,
                "views": 0,
                "revenue": 0.0,
                "last_purchase": s["last_purchase"] if s else None,
            }
            state[user] = s
        s["position"] += 1
        if row["kind"] == "view":
            s["views"] += 1
        amount = row["amount"]
        if not (isinstance(amount, float) and math.isnan(amount)) and amount is not None:
            s["revenue"] += float(amount)
        since = float(ts - s["last_purchase"]) if s["last_purchase"] is not None else np.nan
        result[i] = (s["session"], s["position"], float(ts - s["start"]), s["views"], s["revenue"], since)
        if row["kind"] == "purchase":
            s["last_purchase"] = ts
        s["last_ts"] = ts
    columns = ["session", "position", "session_age_s", "views_so_far", "revenue_so_far", "since_purchase"]
    out = pd.DataFrame([result[i] for i in range(len(events))], columns=columns, index=events.index)
    if len(events) == 0:
        out = pd.DataFrame({c: pd.Series(dtype="float64") for c in columns}, index=events.index)
    for c in ("session", "position", "views_so_far"):
        out[c] = out[c].astype("int64")
    for c in ("session_age_s", "revenue_so_far", "since_purchase"):
        out[c] = out[c].astype("float64")
    return out
