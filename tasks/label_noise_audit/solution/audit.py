"""Finds the items whose category label is probably wrong (confident learning, by hand).

1. Out-of-fold class probabilities from two different models (logistic regression and
   quadratic discriminant analysis, cheap and suited to clustered embeddings), averaged: no item is judged by a model that saw its own label.
2. The number of label errors is estimated with the confident joint: an item counts as
   "confidently class j" when its probability of j reaches the average probability that items
   labelled j get for j; off-diagonal counts are label errors.
3. The items with the lowest probability of their given label are flagged, as many as estimated.
"""

import numpy as np
import pandas as pd
from sklearn.discriminant_analysis import QuadraticDiscriminantAnalysis
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

items = pd.read_csv("data/items.csv")
features = [c for c in items.columns if c not in ("item_id", "category")]
X, labels = items[features].to_numpy(), items["category"].to_numpy()
classes = np.array(sorted(set(labels)))
y = np.searchsorted(classes, labels)
cv = StratifiedKFold(5, shuffle=True, random_state=0)
models = [
    make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
    QuadraticDiscriminantAnalysis(reg_param=0.05),
]
P = np.mean([cross_val_predict(m, X, y, cv=cv, method="predict_proba") for m in models], axis=0)
self_conf = P[np.arange(len(y)), y]
thresholds = np.array([P[y == k, k].mean() for k in range(len(classes))])
confident = np.where(P >= thresholds, P, -1.0)
has_confident = (confident > -1).any(axis=1)
confident_class = confident.argmax(axis=1)
n_errors = int(((confident_class != y) & has_confident).sum())
flagged = np.argsort(self_conf, kind="stable")[:n_errors]
pd.DataFrame({"item_id": items["item_id"].to_numpy()[flagged]}).to_csv("suspects.csv", index=False)
print(f"estimated {n_errors} label errors ({n_errors / len(y):.1%}); flagged in suspects.csv")
