"""Computes the agent's features for one (users, events, cutoff) and writes them to a CSV.

A child of score.py, which keeps the labels. /workspace is appended to the import path.
Usage: run_features.py USERS EVENTS CUTOFF OUT
"""

import sys

sys.path.append("/workspace")

import pandas as pd  # noqa: E402

from features import build_features  # noqa: E402

users = pd.read_csv(sys.argv[1])
events = pd.read_csv(sys.argv[2], parse_dates=["timestamp"])
features = build_features(users, events, pd.Timestamp(sys.argv[3]))
features.to_csv(sys.argv[4], index=True, index_label="user_id")
