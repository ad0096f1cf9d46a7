"""Per-subject standardisation: each wearer's own baseline is removed before classifying."""

import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin


class PerSubjectStandardizer(BaseEstimator, TransformerMixin):
    """Centres and scales each feature within each subject; drops subject_id.

    Needs only the windows being transformed (all windows of a subject arrive together), so it
    learns nothing from training subjects that a new subject lacks.
    """

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        features = [c for c in X.columns if c != "subject_id"]
        grouped = X.groupby("subject_id")[features]
        std = grouped.transform("std").fillna(1.0).replace(0.0, 1.0)
        return ((X[features] - grouped.transform("mean")) / std).to_numpy()
