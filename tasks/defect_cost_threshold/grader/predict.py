"""Loads the agent's model and flags the units of a CSV; prints a JSON list of 0/1 decisions.

A child of score.py, which keeps the true outcomes. /workspace is appended to the import path
so a model with custom code from the workspace can load.
"""

import json
import sys

sys.path.append("/workspace")

import joblib  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

model = joblib.load(sys.argv[1])
flags = np.asarray(model.predict(pd.read_csv(sys.argv[2]))).ravel()
print(json.dumps([int(round(float(v))) for v in flags]))
