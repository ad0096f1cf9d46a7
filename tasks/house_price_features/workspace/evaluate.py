"""How the pricing service scores make_features: the fixed model, cross-validated on train.csv.

Usage: python3 evaluate.py
"""

import numpy as np
import pandas as pd
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from features import make_features

sales = pd.read_csv("data/train.csv", keep_default_na=False, na_values=[""])
y = np.log(sales.pop("price"))
X = make_features(sales)
model = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-3, 3, 13)))
scores = cross_val_score(model, X, y, cv=KFold(5, shuffle=True, random_state=0), scoring="r2")
print(f"{X.shape[1]} features, 5-fold R^2 of log(price): {scores.mean():.4f}")
