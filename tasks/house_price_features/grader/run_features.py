"""Computes the agent's features for the sales files named on the command line.

A child of score.py, which keeps the prices. The training sales go in one call; the later sales
in batches of varying size, down to a single sale, as the pricing service sends them. Every
batch must come back with the training features' columns. Writes one features CSV per input.
"""

import itertools
import sys

sys.path.append("/workspace")

import pandas as pd  # noqa: E402

from features import make_features  # noqa: E402

BATCH_SIZES = [200, 1, 50, 3, 120, 1, 25, 7]


def read(path):
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


train = make_features(read(sys.argv[1]))
train.to_csv(sys.argv[1] + ".features.csv", index=False)
later = read(sys.argv[2])
parts, start = [], 0
for size in itertools.cycle(BATCH_SIZES):
    if start >= len(later):
        break
    batch = make_features(later.iloc[start : start + size].copy())
    if list(batch.columns) != list(train.columns):
        sys.exit(
            f"make_features returned {batch.shape[1]} columns for a batch of {min(size, len(later) - start)} "
            f"sales but {train.shape[1]} for the training sales; the columns must not depend on the input"
        )
    parts.append(batch)
    start += size
pd.concat(parts, ignore_index=True).to_csv(sys.argv[2] + ".features.csv", index=False)
