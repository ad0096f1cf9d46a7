"""Trains the renewal model and scores this month's customers.

    python3 train.py --data data --seed 42 --out out

Reads every shard in DATA/shards (labelled customers), builds features, holds out 20% to report
validation accuracy, trains a random forest on the rest, and writes OUT/predictions.csv
(customer_id, probability of renewal for each customer of DATA/score.csv) and OUT/metrics.json.
"""

import argparse
import glob
import json
import os
import random
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

N_CITY_BUCKETS = 8


def load_shards(folder):
    frames = [pd.read_csv(path) for path in glob.glob(os.path.join(folder, "shards", "*.csv"))]
    data = pd.concat(frames, ignore_index=True)
    # Shuffle so that shards are mixed before the split.
    return data.iloc[np.random.permutation(len(data))].reset_index(drop=True)


def build_vocabulary(data):
    return {"plan": list(set(data["plan"])), "device": list(set(data["device"]))}


def features(data, vocab):
    cols = {}
    for column, values in vocab.items():
        for value in values:
            cols[f"{column}={value}"] = (data[column] == value).astype(float)
    # Cities are hashed into a few buckets so that new cities need no retraining.
    buckets = data["city"].map(lambda c: hash(c) % N_CITY_BUCKETS)
    for b in range(N_CITY_BUCKETS):
        cols[f"city_bucket={b}"] = (buckets == b).astype(float)
    for column in ("sessions", "minutes", "tickets", "months"):
        cols[column] = data[column].astype(float)
    cols["minutes_per_session"] = data["minutes"] / (data["sessions"] + 1)
    return pd.DataFrame(cols)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="data")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", default="out")
    args = parser.parse_args()
    random.seed(args.seed)

    data = load_shards(args.data)
    vocab = build_vocabulary(data)
    X, y = features(data, vocab), data["renewed"]
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=int(time.time() * 1000) % 2**32)
    model = RandomForestClassifier(n_estimators=50, min_samples_leaf=3, max_features=0.5, n_jobs=1)
    model.fit(X_train, y_train)
    val_accuracy = float((model.predict(X_val) == y_val).mean())

    score = pd.read_csv(os.path.join(args.data, "score.csv"))
    probability = model.predict_proba(features(score, vocab))[:, 1]
    os.makedirs(args.out, exist_ok=True)
    pd.DataFrame({"customer_id": score["customer_id"], "probability": probability}).to_csv(
        os.path.join(args.out, "predictions.csv"), index=False, float_format="%.6f")
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump({"val_accuracy": val_accuracy, "n_train": len(X_train)}, f)
    print(f"validation accuracy {val_accuracy:.3f}; wrote {args.out}/predictions.csv")


if __name__ == "__main__":
    main()
