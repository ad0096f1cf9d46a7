"""Generates sklearn_classifier's data with a fixed seed.

One population of synthetic telecom customers, split into the training file
the agent gets (workspace/data/customers.csv) and a held-out file with labels
that only the grader sees (grader/holdout.csv).

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 7031
N_TRAIN = 3000
N_HOLDOUT = 1000


def make_customers(rng, n):
    contract = rng.choice(["Month-to-month", "One year", "Two year"], n, p=[0.55, 0.25, 0.20])
    internet = rng.choice(["DSL", "Fiber optic", "No"], n, p=[0.35, 0.45, 0.20])
    payment = rng.choice(
        ["Electronic check", "Mailed check", "Bank transfer (automatic)", "Credit card (automatic)"],
        n,
        p=[0.35, 0.2, 0.22, 0.23],
    )
    long_contract = contract != "Month-to-month"
    tenure = np.where(
        long_contract, rng.integers(6, 73, n), np.minimum(72, rng.exponential(16, n).astype(int))
    )
    base = np.select([internet == "Fiber optic", internet == "DSL"], [80.0, 55.0], 22.0)
    monthly = np.round(base + rng.normal(0, 12, n).clip(-25, 40), 2)
    total = np.round(monthly * tenure * rng.uniform(0.95, 1.05, n), 2)
    support_calls = rng.poisson(np.where(internet == "Fiber optic", 2.2, 1.2))
    senior = (rng.random(n) < 0.16).astype(int)
    paperless = np.where(rng.random(n) < 0.6, "Yes", "No")

    logit = (
        -2.5
        + 2.0 * (contract == "Month-to-month")
        - 1.6 * (contract == "Two year")
        - 0.055 * tenure
        + 0.025 * (monthly - 65)
        + 0.8 * (internet == "Fiber optic")
        + 0.9 * (payment == "Electronic check")
        + 0.45 * np.minimum(support_calls, 6)
        + 1.2 * ((support_calls >= 4) & (contract == "Month-to-month"))
        + 0.4 * senior
        + 0.25 * (paperless == "Yes")
    )
    churned = rng.random(n) < 1 / (1 + np.exp(-2.2 * logit))

    df = pd.DataFrame(
        {
            "customer_id": [f"C{100000 + i}" for i in range(n)],
            "tenure_months": tenure,
            "contract": contract,
            "internet_service": internet,
            "payment_method": payment,
            "monthly_charges": monthly,
            # Like many billing exports: text, blank for customers in their first month.
            "total_charges": [f"{t:.2f}" if m > 0 else " " for t, m in zip(total, tenure)],
            "support_calls": support_calls.astype(float),
            "senior_citizen": senior,
            "paperless_billing": paperless,
            "churned": np.where(churned, "Yes", "No"),
        }
    )
    # Gaps from a CRM migration.
    df.loc[rng.random(n) < 0.04, "support_calls"] = np.nan
    df.loc[rng.random(n) < 0.03, "payment_method"] = None
    return df


def main():
    rng = np.random.default_rng(SEED)
    here = Path(__file__).resolve().parent.parent
    everyone = make_customers(rng, N_TRAIN + N_HOLDOUT)
    train = everyone.iloc[:N_TRAIN]
    holdout = everyone.iloc[N_TRAIN:]
    (here / "workspace" / "data").mkdir(parents=True, exist_ok=True)
    (here / "grader").mkdir(parents=True, exist_ok=True)
    train.to_csv(here / "workspace" / "data" / "customers.csv", index=False)
    holdout.to_csv(here / "grader" / "holdout.csv", index=False)
    print(f"train {len(train)} rows, churn rate {np.mean(train.churned == 'Yes'):.3f}")
    print(f"holdout {len(holdout)} rows, churn rate {np.mean(holdout.churned == 'Yes'):.3f}")


if __name__ == "__main__":
    main()
