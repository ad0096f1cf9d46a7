"""Generates loan_default_leakage's data with a fixed seed.

One population of loan applications, the outcome (`defaulted`) drawn from a logistic model
of what is known at application time, plus three columns recorded only after the outcome
(collections calls, last payment status, amount recovered). Writes the history the agent
trains on (workspace/data/loans.csv, all columns) and later applications that only the
grader sees (grader/holdout.csv: application-time columns and the outcome).

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 31337
N_TRAIN, N_HOLDOUT = 8000, 12000
PURPOSES = ["debt_consolidation", "credit_card", "home_improvement", "car", "medical", "small_business"]
PURPOSE_EFFECT = dict(zip(PURPOSES, [0.0, -0.2, -0.3, -0.1, 0.35, 0.7]))
HOMES = ["rent", "mortgage", "own"]
HOME_EFFECT = dict(zip(HOMES, [0.25, -0.15, -0.05]))
APPLICATION_COLUMNS = [
    "loan_id", "amount", "term_months", "annual_income", "credit_score", "employment_years",
    "debt_to_income", "purpose", "home_ownership", "zip3",
]


def population(rng, n, zip_effect):
    zips = np.array(sorted(zip_effect))
    df = pd.DataFrame(
        {
            "amount": np.round(rng.uniform(1000, 40000, n), -2),
            "term_months": rng.choice([36, 60], n, p=[0.7, 0.3]),
            "annual_income": np.round(np.exp(rng.normal(11.0, 0.5, n)), -2),
            "credit_score": np.clip(np.round(rng.normal(690, 55, n)), 300, 850).astype(int),
            "employment_years": rng.integers(0, 31, n).astype(float),
            "purpose": rng.choice(PURPOSES, n, p=[0.35, 0.2, 0.15, 0.12, 0.08, 0.1]),
            "home_ownership": rng.choice(HOMES, n, p=[0.45, 0.4, 0.15]),
            "zip3": rng.choice(zips, n),
        }
    )
    df["debt_to_income"] = np.round(np.clip(rng.normal(0.18, 0.08, n) + df.amount / df.annual_income / 6, 0.01, 0.8), 3)
    z = (
        -1.9
        - 0.014 * (df.credit_score - 690)
        + 0.55 * (df.term_months == 60)
        + 3.0 * (df.debt_to_income - 0.25)
        - 0.5 * (np.log(df.annual_income) - 11)
        - 0.025 * df.employment_years
        + df.purpose.map(PURPOSE_EFFECT)
        + df.home_ownership.map(HOME_EFFECT)
        + df.zip3.map(zip_effect)
    )
    df["defaulted"] = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    # Missing values, as the application form allows.
    df.loc[rng.random(n) < 0.08, "employment_years"] = np.nan
    df.loc[rng.random(n) < 0.04, "annual_income"] = np.nan
    # Recorded after the outcome: collections only call loans that went bad.
    d = df.defaulted.to_numpy()
    df["collections_calls"] = np.where(d == 1, rng.poisson(4, n), rng.poisson(0.15, n))
    df["last_payment_status"] = np.where(
        d == 1, rng.choice(["late", "charged_off", "current"], n, p=[0.4, 0.5, 0.1]),
        rng.choice(["current", "paid_off", "late"], n, p=[0.6, 0.35, 0.05]),
    )
    df["recovered_amount"] = np.where(d == 1, np.round(df.amount * rng.uniform(0, 0.6, n), 2), 0.0)
    return df


def main():
    rng = np.random.default_rng(SEED)
    zip_effect = {f"{z:03d}": float(e) for z, e in zip(rng.choice(np.arange(100, 1000), 450, replace=False), rng.normal(0, 0.45, 450))}
    df = population(rng, N_TRAIN + N_HOLDOUT, zip_effect)
    df.insert(0, "loan_id", [f"L{i:06d}" for i in range(len(df))])
    here = Path(__file__).resolve().parent.parent
    df.iloc[:N_TRAIN].to_csv(here / "workspace/data/loans.csv", index=False)
    df.iloc[N_TRAIN:][APPLICATION_COLUMNS + ["defaulted"]].to_csv(here / "grader/holdout.csv", index=False)
    print("default rate", df.defaulted.mean().round(3))


if __name__ == "__main__":
    main()
