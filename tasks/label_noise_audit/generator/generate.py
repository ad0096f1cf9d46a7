"""Generates label_noise_audit's data with a fixed seed.

A product catalogue: each item is a 16-number embedding and one of 8 categories. Categories are
Gaussian clusters of different spread and size, some pairs close to each other (phones and
tablets, laptops and monitors). About 7% of the labels were entered wrong, mostly as the
neighbouring category (class-conditional noise, as human labellers make it), partly at random.
Writes the labelled items the agent gets (workspace/data/items.csv) and which of them are
mislabelled, only for the grader (grader/truth.csv: item_id, true_label, is_mislabeled).

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 4242
CLASSES = ["phone", "tablet", "laptop", "monitor", "headphones", "speaker", "camera", "printer"]
CONFUSED = {"phone": "tablet", "tablet": "phone", "laptop": "monitor", "monitor": "laptop",
            "headphones": "speaker", "speaker": "headphones", "camera": "phone", "printer": "monitor"}
SIZES = [1400, 700, 900, 500, 800, 450, 350, 300]
SPREAD = [1.0, 1.1, 1.0, 1.3, 0.9, 1.2, 1.0, 0.8]


def main():
    rng = np.random.default_rng(SEED)
    dim = 16
    centers = rng.normal(0, 2.2, size=(len(CLASSES), dim))
    # Confusable pairs sit close together.
    for a, b in (("phone", "tablet"), ("laptop", "monitor"), ("headphones", "speaker")):
        ia, ib = CLASSES.index(a), CLASSES.index(b)
        centers[ib] = centers[ia] + rng.normal(0, 0.75, dim)
    rows, labels = [], []
    for c, (n, s) in enumerate(zip(SIZES, SPREAD)):
        rows.append(centers[c] + rng.normal(0, s, size=(n, dim)) @ np.diag(rng.uniform(0.6, 1.4, dim)))
        labels += [CLASSES[c]] * n
    X = np.vstack(rows)
    true = np.array(labels)
    order = rng.permutation(len(true))
    X, true = X[order], true[order]
    given = true.copy()
    flip = rng.random(len(true)) < 0.07
    for i in np.flatnonzero(flip):
        if rng.random() < 0.7:
            given[i] = CONFUSED[true[i]]
        else:
            given[i] = rng.choice([c for c in CLASSES if c != true[i]])
    ids = rng.choice(np.arange(10000, 99999), size=len(true), replace=False)
    items = pd.DataFrame(X.round(4), columns=[f"e{j:02d}" for j in range(dim)])
    items.insert(0, "item_id", ids)
    items["category"] = given
    here = Path(__file__).resolve().parent.parent
    items.to_csv(here / "workspace/data/items.csv", index=False)
    pd.DataFrame({"item_id": ids, "true_category": true, "is_mislabeled": (given != true).astype(int)}).to_csv(
        here / "grader/truth.csv", index=False)


if __name__ == "__main__":
    main()
