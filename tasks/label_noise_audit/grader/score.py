"""Scores the agent's list of suspected label errors against the generator's truth.

Reads /workspace/suspects.csv (column `item_id`; unknown or repeated ids are ignored once
reported) and prints `precision`, `recall` and `f1`, computed here from grader/truth.csv.
"""

import os
import sys

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
SUSPECTS = "/workspace/suspects.csv"

truth = pd.read_csv(os.path.join(HERE, "truth.csv"))
wrong = set(truth.loc[truth["is_mislabeled"] == 1, "item_id"].astype(int))
known = set(truth["item_id"].astype(int))
try:
    flagged_raw = pd.read_csv(SUSPECTS)["item_id"]
    flagged = set(int(v) for v in flagged_raw)
except (OSError, KeyError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
    sys.exit(f"{SUSPECTS} cannot be read as a CSV with an item_id column: {err}")
unknown = flagged - known
if unknown:
    sys.stderr.write(f"{len(unknown)} flagged ids are not items of the catalogue; ignored\n")
flagged &= known
if len(flagged) > len(known) // 2:
    sys.exit(f"{len(flagged)} of {len(known)} items flagged: that is not an audit")
hits = len(flagged & wrong)
precision = hits / len(flagged) if flagged else 0.0
recall = hits / len(wrong)
f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
sys.stderr.write(f"flagged {len(flagged)}, of which mislabelled {hits}; mislabelled in all {len(wrong)}\n")
print(f"precision={precision:.4f}")
print(f"recall={recall:.4f}")
print(f"f1={f1:.4f}")
