"""Per-event session features for the clickstream model.

Vectorised: one stable sort by user and time, then group-wise shifts and cumulative sums.
Its docstring is the specification.
"""

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
    n = len(events)
    columns = ["session", "position", "session_age_s", "views_so_far", "revenue_so_far", "since_purchase"]
    if n == 0:
        out = pd.DataFrame({c: pd.Series(dtype="float64") for c in columns}, index=events.index)
        return out.astype({"session": "int64", "position": "int64", "views_so_far": "int64"})
    user = events["user_id"].to_numpy().astype(np.int64)
    ts = events["ts"].to_numpy().astype(np.int64)
    # Stable: equal (user, ts) keep their input order, as the specification asks.
    order = np.lexsort((np.arange(n), ts, user))
    u, t = user[order], ts[order]
    kind = events["kind"].to_numpy()[order]
    amount = np.nan_to_num(pd.to_numeric(events["amount"], errors="coerce").to_numpy(dtype=np.float64)[order], nan=0.0)
    first_of_user = np.r_[True, u[1:] != u[:-1]]
    new_session = first_of_user | np.r_[False, (t[1:] - t[:-1]) > SESSION_GAP_S]
    session_key = np.cumsum(new_session)  # a global session number, in sorted order
    user_first_key = pd.Series(session_key).where(first_of_user).ffill().to_numpy()
    session = (session_key - user_first_key + 1).astype(np.int64)
    frame = pd.DataFrame({"key": session_key, "t": t, "view": (kind == "view").astype(np.int64), "amount": amount})
    grouped = frame.groupby("key", sort=False)
    position = grouped.cumcount().to_numpy() + 1
    age = (t - grouped["t"].transform("min").to_numpy()).astype(np.float64)
    views = grouped["view"].cumsum().to_numpy()
    revenue = grouped["amount"].cumsum().to_numpy()
    # The most recent purchase strictly before each event of the same user.
    purchase_ts = pd.Series(np.where(kind == "purchase", t, np.nan).astype(np.float64))
    previous = purchase_ts.groupby(u).shift(1)
    last_purchase = previous.groupby(u).ffill().to_numpy()
    since = t - last_purchase
    sorted_out = pd.DataFrame({"session": session, "position": position.astype(np.int64), "session_age_s": age,
                               "views_so_far": views.astype(np.int64), "revenue_so_far": revenue,
                               "since_purchase": since.astype(np.float64)})
    out = sorted_out.set_axis(order).sort_index()
    out.index = events.index
    return out
