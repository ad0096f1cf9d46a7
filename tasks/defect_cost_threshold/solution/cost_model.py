"""A fitted probability model with a decision threshold: predict() flags a unit when its
probability of being defective reaches the threshold."""

import numpy as np


class ThresholdClassifier:
    def __init__(self, model, threshold):
        self.model = model
        self.threshold = threshold

    def predict_proba(self, X):
        return self.model.predict_proba(X.drop(columns=["unit_id"], errors="ignore"))

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] >= self.threshold).astype(int)
