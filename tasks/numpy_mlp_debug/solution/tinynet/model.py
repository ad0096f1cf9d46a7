"""A multi-layer perceptron with ReLU hidden layers and a softmax output."""

import numpy as np

from .layers import Dense, ReLU, softmax, softmax_cross_entropy


class MLP:
    def __init__(self, sizes, seed=0):
        rng = np.random.default_rng(seed)
        self.layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            self.layers.append(Dense(n_in, n_out, rng))
            if i < len(sizes) - 2:
                self.layers.append(ReLU())

    @property
    def dense_layers(self):
        return [layer for layer in self.layers if isinstance(layer, Dense)]

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        self.logits = x
        return x

    def backward(self, y):
        """Loss of the last forward pass against labels `y`; fills every Dense layer's dW and db."""
        loss, grad = softmax_cross_entropy(self.logits, y)
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return loss

    def update(self, lr, weight_decay=0.0):
        """One SGD step; L2 weight decay (on weights, not biases) pulls weights toward 0."""
        for layer in self.dense_layers:
            layer.W -= lr * (layer.dW + weight_decay * layer.W)
            layer.b -= lr * layer.db

    def predict_proba(self, x):
        return softmax(self.forward(x))

    def predict(self, x):
        return self.forward(x).argmax(axis=1)
