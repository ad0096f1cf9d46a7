"""Feature engineering for the house price model."""

import pandas as pd

NUMERIC = ["year_built", "living_area_sqft", "lot_area_sqft", "bedrooms", "bathrooms", "latitude", "longitude"]


def make_features(df: pd.DataFrame) -> pd.DataFrame:
    """Sales (every column of data/train.csv but price) -> numeric features, one row per sale."""
    return df[NUMERIC].astype(float)
