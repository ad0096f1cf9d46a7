"""Predicts a support ticket's priority (low, medium, high) for the help desk (reference solution).

One fitted Pipeline holds every step, so predicting one ticket or a batch applies exactly what was
learned in training: the one-hot columns and the scaling come from the training tickets, unknown
categories are ignored, and the classifier returns the priority names themselves.
"""

import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

NUMERIC = ["wait_minutes", "previous_tickets", "message_length"]
CATEGORICAL = ["customer_tier", "channel"]
FEATURES = NUMERIC + CATEGORICAL


def train(tickets):
    df = pd.DataFrame(tickets)
    model = make_pipeline(
        make_column_transformer(
            (StandardScaler(), NUMERIC),
            (OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
        ),
        LogisticRegression(max_iter=2000),
    )
    model.fit(df[FEATURES], df["priority"])
    return {"model": model}


def predict(bundle, tickets):
    df = pd.DataFrame(list(tickets), columns=FEATURES)
    return [str(p) for p in bundle["model"].predict(df)]
