"""Layers of a small numpy neural network: forward passes cache what backward needs."""

import numpy as np


class Dense:
    def __init__(self, n_in, n_out, rng):
        self.W = np.zeros((n_in, n_out))
        self.b = np.zeros(n_out)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0)
        return grad @ self.W.T


class ReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad):
        return grad


def softmax(logits):
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of integer labels `y`, and its gradient with respect to `logits`."""
    n = logits.shape[0]
    probs = softmax(logits)
    loss = -np.log(probs[np.arange(n), y]).mean()
    grad = probs.copy()
    grad[np.arange(n), y] -= 1.0
    return loss, grad
