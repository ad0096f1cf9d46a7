"""Generates churn_event_features's event logs with a fixed seed.

Simulates a subscription product day by day: logins and feature use at a personal rate that,
for some users, starts to fade; support tickets, billing failures and visits to the downgrade
page. Whether a user closes their account in the 30 days after a cutoff depends only on what
happened before the cutoff (fading activity, recent billing failures and downgrade-page visits,
support tickets, tenure, plan); a closing user's activity then winds down and ends with an
`account_closed` event.

Writes what the agent gets: users, the full event export (which runs 45 days past the training
cutoff, so it contains the outcome), and the labels at the training cutoff (workspace/data/). And
what only the grader gets: other users at a later cutoff, with their events strictly before it,
as production sees them, and their labels (grader/).

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 271828
TRAIN_CUTOFF = date(2024, 6, 1)
HOLDOUT_CUTOFF = date(2024, 9, 1)


def simulate(rng, n_users, cutoff, first_id, export_until):
    users, events, labels = [], [], []
    for k in range(n_users):
        uid = f"U{first_id + k:05d}"
        signup = cutoff - timedelta(days=int(rng.integers(31, 240)))
        plan = rng.choice(["basic", "pro"], p=[0.65, 0.35])
        country = rng.choice(["DE", "FR", "UK", "US", "BR"])
        rate = float(np.exp(rng.normal(-1.5, 0.6)))
        fades = rng.random() < 0.35
        fade_start = cutoff - timedelta(days=int(rng.integers(5, 70))) if fades else None
        billing_risk = 0.004 if rng.random() < 0.8 else 0.03
        day_events = []
        d = signup
        billing_recent = downgrade_recent = tickets_recent = 0
        while d < cutoff:
            r = rate
            if fade_start and d >= fade_start:
                r = rate * max(0.05, 1 - (d - fade_start).days / 45)
            for kind, lam in (("login", r), ("feature_use", 0.6 * r), ("support_ticket", 0.01 + 0.02 * (r < 0.5 * rate)),
                              ("billing_failure", billing_risk),
                              ("downgrade_page_view", 0.004 + (0.05 if fade_start and d >= fade_start else 0.0))):
                for _ in range(rng.poisson(lam)):
                    day_events.append((d, kind))
                    age = (cutoff - d).days
                    if kind == "billing_failure" and age <= 30:
                        billing_recent += 1
                    if kind == "downgrade_page_view" and age <= 14:
                        downgrade_recent += 1
                    if kind == "support_ticket" and age <= 30:
                        tickets_recent += 1
            d += timedelta(days=1)
        recent_rate = (rate * max(0.05, 1 - (cutoff - fade_start).days / 45)) if fade_start else rate
        z = (-2.8 + 2.0 * (fade_start is not None) + 0.9 * np.log(rate / max(recent_rate, 1e-3)) / 2
             + 1.3 * min(billing_recent, 2) + 0.8 * min(downgrade_recent, 3) + 0.25 * min(tickets_recent, 4)
             + 0.7 * ((cutoff - signup).days < 90) + 0.4 * (plan == "basic") - 1.2 * min(rate, 1.5))
        churned = rng.random() < 1 / (1 + np.exp(-z))
        closed_on = cutoff + timedelta(days=int(rng.integers(1, 31))) if churned else None
        d = cutoff
        while d < export_until:
            if closed_on and d >= closed_on:
                day_events.append((closed_on, "account_closed"))
                break
            r = recent_rate * (0.3 if closed_on else 1.0)
            for kind, lam in (("login", r), ("feature_use", 0.6 * r), ("support_ticket", 0.012),
                              ("billing_failure", billing_risk), ("downgrade_page_view", 0.08 if closed_on else 0.004)):
                for _ in range(rng.poisson(lam)):
                    day_events.append((d, kind))
            d += timedelta(days=1)
        for day, kind in day_events:
            stamp = pd.Timestamp(day) + pd.Timedelta(seconds=int(rng.integers(0, 86400)))
            events.append((uid, stamp.strftime("%Y-%m-%d %H:%M:%S"), kind))
        users.append((uid, signup.isoformat(), plan, country))
        labels.append((uid, int(churned)))
    users = pd.DataFrame(users, columns=["user_id", "signup_date", "plan", "country"])
    events = pd.DataFrame(events, columns=["user_id", "timestamp", "event"]).sort_values(["timestamp", "user_id"])
    labels = pd.DataFrame(labels, columns=["user_id", "churned_30d"])
    return users, events.reset_index(drop=True), labels


def main():
    rng = np.random.default_rng(SEED)
    here = Path(__file__).resolve().parent.parent
    users, events, labels = simulate(rng, 1000, TRAIN_CUTOFF, 1, TRAIN_CUTOFF + timedelta(days=45))
    users.to_csv(here / "workspace/data/users.csv", index=False)
    events.to_csv(here / "workspace/data/events.csv", index=False)
    labels.to_csv(here / "workspace/data/labels.csv", index=False)
    users, events, labels = simulate(rng, 1000, HOLDOUT_CUTOFF, 50001, HOLDOUT_CUTOFF)
    users.to_csv(here / "grader/users.csv", index=False)
    events.to_csv(here / "grader/events.csv", index=False)
    labels.to_csv(here / "grader/labels.csv", index=False)
    print("churn rate", labels.churned_30d.mean().round(3), "events", len(events))


if __name__ == "__main__":
    main()
