"""Reference solution for sklearn_classifier: one-hot categoricals, scaled
numerics (total_charges parsed from text), logistic regression."""

import os

import joblib
import pandas as pd
from churn_features import to_numbers
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

NUMERIC = ["tenure_months", "monthly_charges", "total_charges", "support_calls", "senior_citizen"]
CATEGORICAL = ["contract", "internet_service", "payment_method", "paperless_billing"]


data = pd.read_csv("data/customers.csv")
y = data.pop("churned")
features = ColumnTransformer(
    [
        (
            "numeric",
            make_pipeline(
                FunctionTransformer(to_numbers), SimpleImputer(strategy="median"), StandardScaler()
            ),
            NUMERIC,
        ),
        (
            "categorical",
            make_pipeline(
                SimpleImputer(strategy="constant", fill_value="missing"),
                OneHotEncoder(handle_unknown="ignore"),
            ),
            CATEGORICAL,
        ),
    ]
)
model = Pipeline([("features", features), ("classifier", LogisticRegression(max_iter=2000))])
scores = cross_val_score(model, data, y, cv=5)
print(f"cross-validated accuracy {scores.mean():.3f} (+/- {scores.std():.3f})")
model.fit(data, y)
os.makedirs("model", exist_ok=True)
joblib.dump(model, "model/model.joblib")
print("saved model/model.joblib")
