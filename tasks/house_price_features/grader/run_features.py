"""Computes the agent's features for the sales files named on the command line.

A child of score.py, which keeps the prices. The holdout is passed in batches of 250 sales, as
the pricing service sends them. Writes one features CSV per input next to it.
"""

import sys

sys.path.append("/workspace")

import pandas as pd  # noqa: E402

from features import make_features  # noqa: E402


def features_of(path, batch):
    sales = pd.read_csv(path, keep_default_na=False, na_values=[""])
    parts = [make_features(sales.iloc[i : i + batch].copy()) for i in range(0, len(sales), batch)]
    return pd.concat(parts, ignore_index=True)


train = features_of(sys.argv[1], 10**9)
train.to_csv(sys.argv[1] + ".features.csv", index=False)
holdout = features_of(sys.argv[2], 250)
holdout.to_csv(sys.argv[2] + ".features.csv", index=False)
