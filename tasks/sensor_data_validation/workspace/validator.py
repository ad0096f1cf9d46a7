"""Checks a batch of station readings against CONTRACT.md."""


def find_violations(readings_csv, stations_csv):
    """Returns every violation in the batch as a dict {"row": int, "column": str, "rule": str}."""
    raise NotImplementedError
