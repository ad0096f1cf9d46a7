"""Trains the defect detector: logistic regression on the sensor readings."""

import joblib
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

data = pd.read_csv("data/units.csv")
y = data.pop("defect")
X = data.drop(columns=["unit_id"])
cat = ["line", "shift"]
num = [c for c in X.columns if c not in cat]
model = make_pipeline(
    make_column_transformer((OneHotEncoder(handle_unknown="ignore"), cat), (StandardScaler(), num)),
    LogisticRegression(max_iter=1000),
)
print(f"cross-validated accuracy: {cross_val_score(model, X, y, cv=5).mean():.3f}")
model.fit(X, y)
joblib.dump(model, "model/model.joblib")
