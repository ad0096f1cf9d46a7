"""Loads the agent's model and scores a features file; prints a JSON list of probabilities.

A child of score.py, which keeps the outcomes. /workspace is appended to the import path
so a pipeline with custom code from the workspace can load.
"""

import json
import sys

sys.path.append("/workspace")

import joblib  # noqa: E402
import pandas as pd  # noqa: E402


def main(model_path, features_path):
    model = joblib.load(model_path)
    X = pd.read_csv(features_path)
    proba = model.predict_proba(X)[:, 1]
    print(json.dumps([float(p) for p in proba]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
