"""The grader's own tests of the priority service, on tickets the agent never saw."""

import os

import pandas as pd
import pytest

from priority_service import predict, train

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAIN = pd.read_csv(os.path.join(HERE, "train_tickets.csv")).to_dict("records")
TEST = pd.read_csv(os.path.join(HERE, "test_tickets.csv"))
TRUTH = TEST.pop("priority").tolist()
REQUESTS = TEST.to_dict("records")
LABELS = {"low", "medium", "high"}


@pytest.fixture(scope="module")
def bundle():
    return train(TRAIN)


def test_returns_priority_names(bundle):
    out = predict(bundle, REQUESTS[:50])
    assert all(isinstance(p, str) and p in LABELS for p in out)


def test_batch_accuracy(bundle):
    out = predict(bundle, REQUESTS)
    assert sum(p == t for p, t in zip(out, TRUTH)) / len(TRUTH) >= 0.8


def test_single_tickets_match_the_batch(bundle):
    batch = predict(bundle, REQUESTS[:120])
    singles = [predict(bundle, [r])[0] for r in REQUESTS[:120]]
    assert singles == batch


def test_single_ticket_accuracy(bundle):
    out = [predict(bundle, [r])[0] for r in REQUESTS[:300]]
    assert sum(p == t for p, t in zip(out, TRUTH[:300])) / 300 >= 0.8


def test_a_category_missing_from_the_request_batch(bundle):
    rare = [r for r in REQUESTS if r["customer_tier"] == "platinum" and r["channel"] == "phone"][:3]
    assert rare, "the test set has platinum phone tickets"
    assert all(p in LABELS for p in predict(bundle, rare))


def test_unknown_channel_still_gets_a_priority(bundle):
    ticket = dict(REQUESTS[0], channel="sms")
    out = predict(bundle, [ticket])
    assert len(out) == 1 and out[0] in LABELS


def test_key_order_does_not_matter(bundle):
    reordered = [dict(reversed(list(r.items()))) for r in REQUESTS[:80]]
    assert predict(bundle, reordered) == predict(bundle, REQUESTS[:80])


def test_training_does_not_depend_on_key_order():
    shuffled = [dict(reversed(list(t.items()))) for t in TRAIN]
    a, b = train(TRAIN), train(shuffled)
    assert predict(a, REQUESTS[:200]) == predict(b, REQUESTS[:200])


def test_an_extreme_ticket_is_high_priority(bundle):
    ticket = {"wait_minutes": 400, "previous_tickets": 9, "message_length": 80, "customer_tier": "platinum",
              "channel": "phone"}
    assert predict(bundle, [ticket]) == ["high"]


def test_a_calm_ticket_is_low_priority(bundle):
    ticket = {"wait_minutes": 1, "previous_tickets": 0, "message_length": 400, "customer_tier": "bronze",
              "channel": "email"}
    assert predict(bundle, [ticket]) == ["low"]
