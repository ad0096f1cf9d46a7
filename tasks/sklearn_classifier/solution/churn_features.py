"""Feature helpers for the churn model. A module of its own (not train.py's
__main__) so that the pickled pipeline can be loaded by another process."""

import pandas as pd


def to_numbers(frame):
    """Billing exports store some amounts as text (blank for new customers)."""
    return frame.apply(pd.to_numeric, errors="coerce")
