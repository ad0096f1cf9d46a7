"""Run with `python3 -m pytest -q tests`."""

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from priority_service import predict, train  # noqa: E402

TICKETS = pd.read_csv(Path(__file__).resolve().parent.parent / "data" / "tickets.csv").to_dict("records")


def test_one_prediction_per_ticket():
    bundle = train(TICKETS[:1500])
    backlog = [{k: v for k, v in t.items() if k != "priority"} for t in TICKETS[1500:]]
    assert len(predict(bundle, backlog)) == len(backlog)
