"""Predicts a support ticket's priority (low, medium, high) for the help desk.

The help desk calls `predict(bundle, tickets)` with one ticket per request most of the time, and
with a few hundred at once when it re-triages the backlog overnight.
"""

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import LabelEncoder, StandardScaler

FEATURES = ["wait_minutes", "previous_tickets", "message_length", "customer_tier", "channel"]


def train(tickets):
    """tickets: a list of dicts with the FEATURES and `priority`. Returns the fitted bundle."""
    df = pd.DataFrame(tickets)
    X = pd.get_dummies(df[FEATURES])
    scaler = StandardScaler().fit(X)
    encoder = LabelEncoder().fit(df["priority"])
    model = LogisticRegression(max_iter=2000).fit(scaler.transform(X), encoder.transform(df["priority"]))
    return {"scaler": scaler, "encoder": encoder, "model": model, "columns": list(X.columns)}


def predict(bundle, tickets):
    """tickets: a list of dicts with the FEATURES. Returns one priority per ticket, in order."""
    df = pd.DataFrame(tickets)
    X = pd.get_dummies(df[FEATURES])
    X = StandardScaler().fit_transform(X)
    return list(bundle["model"].predict(X))
