"""Trains the spiral classifier and reports its validation accuracy.

Usage: python3 run_training.py
"""

import numpy as np

from tinynet import MLP, train


def load(path):
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, :2], data[:, 2].astype(int)


X_train, y_train = load("data/train.csv")
X_val, y_val = load("data/val.csv")
model = MLP([2, 64, 64, 3], seed=1)
history = train(model, X_train, y_train, epochs=150, lr=0.1, batch_size=32, weight_decay=1e-4, seed=2)
print(f"loss: first epoch {history[0]:.4f}, last epoch {history[-1]:.4f}")
print(f"validation accuracy: {(model.predict(X_val) == y_val).mean():.3f}")
