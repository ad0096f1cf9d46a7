"""How the retention service scores build_features: the fixed model, cross-validated.

Usage: python3 evaluate.py
"""

import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import cross_val_score

from features import build_features

CUTOFF = pd.Timestamp("2024-06-01")

users = pd.read_csv("data/users.csv")
events = pd.read_csv("data/events.csv", parse_dates=["timestamp"])
labels = pd.read_csv("data/labels.csv").set_index("user_id")["churned_30d"]

X = build_features(users, events, CUTOFF)
y = labels.reindex(X.index)
auc = cross_val_score(HistGradientBoostingClassifier(random_state=0), X, y, cv=5, scoring="roc_auc").mean()
print(f"{X.shape[1]} features, 5-fold ROC AUC: {auc:.3f}")
