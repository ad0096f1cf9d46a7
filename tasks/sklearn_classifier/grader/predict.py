"""Loads the agent's model and predicts for a features file; prints a JSON list.

Runs as a child of score.py, which keeps the labels. /workspace is appended to
the import path so a pipeline with custom code from the workspace can load.
"""

import json
import sys

sys.path.append("/workspace")

import joblib  # noqa: E402
import pandas as pd  # noqa: E402


def main(model_path, features_path):
    model = joblib.load(model_path)
    X = pd.read_csv(features_path)
    predictions = model.predict(X)
    print(json.dumps([p.item() if hasattr(p, "item") else p for p in predictions]))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
