"""Whether a candidate's output equals the original's: same index and row order, the six
columns, integer columns equal, float columns within rtol 1e-9 / atol 1e-9 with NaN where the
original has NaN."""

import numpy as np
import pandas as pd

COLUMNS = ["session", "position", "session_age_s", "views_so_far", "revenue_so_far", "since_purchase"]


def differs(got, expected):
    """None when equal, else why not."""
    if not isinstance(got, pd.DataFrame):
        return f"returned {type(got).__name__}, not a DataFrame"
    if not got.index.equals(expected.index):
        return "index or row order differs"
    missing = [c for c in COLUMNS if c not in got.columns]
    if missing:
        return f"missing columns {missing}"
    for c in COLUMNS:
        a = pd.to_numeric(got[c], errors="coerce").to_numpy(dtype=np.float64)
        b = expected[c].to_numpy(dtype=np.float64)
        if not np.array_equal(np.isnan(a), np.isnan(b)):
            return f"{c}: NaN in other rows"
        ok = ~np.isnan(b)
        if c in ("session", "position", "views_so_far"):
            if not np.array_equal(a[ok], b[ok]):
                return f"{c}: values differ"
        elif not np.allclose(a[ok], b[ok], rtol=1e-9, atol=1e-9):
            return f"{c}: values differ"
    return None
