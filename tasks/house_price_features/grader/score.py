"""Fits the pricing service's fixed model on the agent's features and scores later sales.

The agent's make_features runs in a child process (run_features.py) on the training sales and on
1,000 later sales it never saw (in batches of varying size, down to one sale), both without
prices. Here the fixed model (standardise, then
ridge regression with the penalty chosen by cross-validation) is fitted on the training features
and log prices, and R^2 of log price is computed on the later sales. Prints `r2=<value>`.
"""

import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
from sklearn.linear_model import RidgeCV
from sklearn.metrics import r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    train = pd.read_csv("/workspace/data/train.csv", keep_default_na=False, na_values=[""], dtype={"garage": str})
    holdout = pd.read_csv(os.path.join(HERE, "holdout.csv"), keep_default_na=False, na_values=[""], dtype={"garage": str})
    y_train, y_holdout = np.log(train.pop("price")), np.log(holdout.pop("price"))
    with tempfile.TemporaryDirectory() as tmp:
        paths = [os.path.join(tmp, "train.csv"), os.path.join(tmp, "later_sales.csv")]
        train.to_csv(paths[0], index=False)
        holdout.to_csv(paths[1], index=False)
        child = subprocess.run([sys.executable, os.path.join(HERE, "run_features.py"), *paths],
                               capture_output=True, text=True, timeout=240, cwd="/workspace")
        if child.returncode != 0:
            sys.stderr.write(child.stderr[-4000:])
            last = (child.stderr.strip().splitlines() or [""])[-1]
            sys.exit(f"make_features failed (exit {child.returncode}): {last[:300]}")
        X_train = pd.read_csv(paths[0] + ".features.csv")
        X_holdout = pd.read_csv(paths[1] + ".features.csv")
    problems = []
    if len(X_train) != len(y_train) or len(X_holdout) != len(y_holdout):
        problems.append("make_features must return one row per sale")
    for name, X in (("training", X_train), ("later", X_holdout)):
        if not problems and not all(np.issubdtype(t, np.number) for t in X.dtypes):
            problems.append(f"non-numeric features for the {name} sales")
        elif not problems and not np.isfinite(X.to_numpy(dtype=float)).all():
            problems.append(f"missing or infinite features for the {name} sales")
    if problems:
        sys.exit("; ".join(problems))
    model = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-3, 3, 13)))
    model.fit(X_train, y_train)
    r2 = r2_score(y_holdout, model.predict(X_holdout))
    sys.stderr.write(f"{X_train.shape[1]} features; R^2 on later sales {r2:.4f}\n")
    print(f"r2={r2:.4f}" if math.isfinite(r2) else "r2=nan")


if __name__ == "__main__":
    main()
