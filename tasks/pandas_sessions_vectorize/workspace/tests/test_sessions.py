import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sessions import session_features  # noqa: E402


def test_two_sessions_of_one_user():
    events = pd.DataFrame({"user_id": [1, 1, 1], "ts": [0, 100, 5000], "kind": ["view", "purchase", "view"],
                           "amount": [np.nan, 12.5, np.nan]})
    out = session_features(events)
    assert out["session"].tolist() == [1, 1, 2]
    assert out["position"].tolist() == [1, 2, 1]
    assert out["revenue_so_far"].tolist() == [0.0, 12.5, 0.0]
    assert out["since_purchase"].isna().tolist() == [True, True, False]
    assert out.loc[2, "since_purchase"] == 4900.0


def test_output_keeps_input_order_and_index():
    events = pd.DataFrame({"user_id": [2, 1], "ts": [10, 20], "kind": ["view", "view"], "amount": [np.nan, np.nan]},
                          index=[7, 3])
    out = session_features(events)
    assert out.index.tolist() == [7, 3]
