"""Mini-batch SGD for tinynet models."""

import numpy as np


def train(model, X, y, epochs=200, lr=0.1, batch_size=32, weight_decay=1e-4, seed=0):
    """Trains `model` in place; returns the mean training loss of each epoch."""
    rng = np.random.default_rng(seed)
    n = len(X)
    history = []
    for _ in range(epochs):
        order = rng.permutation(n)
        X, y = X[order], y[order]
        losses = []
        for start in range(0, n, batch_size):
            xb, yb = X[start : start + batch_size], y[start : start + batch_size]
            model.forward(xb)
            losses.append(model.backward(yb))
            model.update(lr, weight_decay)
        history.append(float(np.mean(losses)))
    return history
