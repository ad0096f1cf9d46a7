"""A small search for SVR's C, gamma and epsilon within the budget, on a holdout split.

Log-spaced candidates around the scale of the problem: the target varies by about 150 kWh, so C
must be in the hundreds or thousands (the default 1 cannot fit it) and epsilon tens of kWh; with
8 standardised features gamma near 1/8 or below. Few fits, because a fit costs seconds and
grows with C. Writes params.json.
"""

import json

import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR

data = pd.read_csv("data/train.csv")
y = data.pop("kwh")
X_fit, X_val, y_fit, y_val = train_test_split(data, y, test_size=0.3, random_state=0)
candidates = [(C, gamma, eps) for C in (300, 1000, 3000) for gamma in (0.03, 0.1) for eps in (10, 25)]
scores = {}
for C, gamma, eps in candidates:
    model = make_pipeline(StandardScaler(), SVR(C=C, gamma=gamma, epsilon=eps)).fit(X_fit, y_fit)
    scores[(C, gamma, eps)] = model.score(X_val, y_val)
    print(f"C={C} gamma={gamma} epsilon={eps}: validation R^2 {scores[(C, gamma, eps)]:.4f}")
C, gamma, eps = max(scores, key=scores.get)
json.dump({"C": C, "gamma": gamma, "epsilon": eps}, open("params.json", "w"))
print(f"chose C={C} gamma={gamma} epsilon={eps}")
