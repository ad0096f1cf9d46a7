"""Loads the agent's model and classifies a windows file; prints a JSON list of activities.

A child of score.py, which keeps the true activities. /workspace is appended to the import path
so a pipeline with custom code from the workspace can load.
"""

import json
import sys

sys.path.append("/workspace")

import joblib  # noqa: E402
import pandas as pd  # noqa: E402

model = joblib.load(sys.argv[1])
predicted = model.predict(pd.read_csv(sys.argv[2]))
print(json.dumps([str(p) for p in predicted]))
