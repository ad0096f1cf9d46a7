"""Trains the loan default model and reports its validation AUC.

Usage: python3 train.py   (writes model/model.joblib and model/report.json)
"""

import json
import os

import joblib
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

TARGET = "defaulted"

loans = pd.read_csv("data/loans.csv")

# Fill the gaps and encode the categories.
loans = loans.fillna(loans.mean(numeric_only=True))
loans["zip3_rate"] = loans.groupby("zip3")[TARGET].transform("mean")
loans = pd.get_dummies(loans, columns=["purpose", "home_ownership", "last_payment_status"], dtype=float)

features = [c for c in loans.columns if c not in (TARGET, "loan_id", "zip3")]
X = StandardScaler().fit_transform(loans[features])
y = loans[TARGET].to_numpy()

X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=0)
model = LogisticRegression(max_iter=2000).fit(X_train, y_train)
auc = roc_auc_score(y_val, model.predict_proba(X_val)[:, 1])
print(f"validation AUC: {auc:.3f}")

os.makedirs("model", exist_ok=True)
joblib.dump(model, "model/model.joblib")
with open("model/report.json", "w") as f:
    json.dump({"validation_auc": round(float(auc), 4)}, f)
