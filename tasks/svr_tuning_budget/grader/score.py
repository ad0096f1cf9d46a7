"""Fits the fixed pipeline with the agent's hyperparameters and scores it on unseen houses.

Reads /workspace/params.json ({"C": .., "gamma": .., "epsilon": ..}), checks the budget
(0 < C <= 10,000, gamma > 0, 0 <= epsilon <= 200) and that data/train.csv is the file we
shipped (its SHA-256), fits StandardScaler + SVR(kernel="rbf") on it and prints the R^2 on
grader/test.csv as `r2=<value>`. No code of the agent runs.
"""

import hashlib
import json
import math
import os
import sys

import pandas as pd
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR

HERE = os.path.dirname(os.path.abspath(__file__))
PARAMS, TRAIN = "/workspace/params.json", "/workspace/data/train.csv"
TRAIN_SHA256 = "3a05aea2db93d2690431422ee0dd9469f462d55d8e1545b9c940a9e2a994bac0"

try:
    with open(PARAMS) as f:
        raw = json.load(f)
    params = {k: float(raw[k]) for k in ("C", "gamma", "epsilon")}
except (OSError, ValueError, KeyError, TypeError) as err:
    sys.exit(f"{PARAMS} must hold numbers C, gamma and epsilon: {err}")
if not all(math.isfinite(v) for v in params.values()):
    sys.exit(f"{PARAMS}: values must be finite")
if not (0 < params["C"] <= 10_000 and params["gamma"] > 0 and 0 <= params["epsilon"] <= 200):
    sys.exit(f"{PARAMS}: outside the budget (0 < C <= 10000, gamma > 0, 0 <= epsilon <= 200): {params}")
with open(TRAIN, "rb") as f:
    if hashlib.sha256(f.read()).hexdigest() != TRAIN_SHA256:
        sys.exit(f"{TRAIN} is not the training set we shipped")
train, test = pd.read_csv(TRAIN), pd.read_csv(os.path.join(HERE, "test.csv"))
y, y_test = train.pop("kwh"), test.pop("kwh")
model = make_pipeline(StandardScaler(), SVR(kernel="rbf", **params)).fit(train, y)
residual = ((y_test - model.predict(test)) ** 2).sum()
r2 = 1 - residual / ((y_test - y_test.mean()) ** 2).sum()
sys.stderr.write(f"params {params}\n")
print(f"r2={r2:.4f}")
