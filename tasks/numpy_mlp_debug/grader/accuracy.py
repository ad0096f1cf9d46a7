"""Trains the agent's tinynet on spirals it never saw and prints the test accuracy.

The setting is fixed here (a 2-64-64-3 network, 150 epochs of SGD), so only the library's
correctness moves the number. Prints `accuracy=<value>`.
"""

import sys

sys.path.append("/workspace")

import numpy as np  # noqa: E402

from tinynet import MLP, train  # noqa: E402

train_set = np.loadtxt("/opt/factory-bench/grader/spiral_train.csv", delimiter=",", skiprows=1)
test_set = np.loadtxt("/opt/factory-bench/grader/spiral_test.csv", delimiter=",", skiprows=1)
model = MLP([2, 64, 64, 3], seed=21)
train(model, train_set[:, :2], train_set[:, 2].astype(int), epochs=150, lr=0.1, batch_size=32, weight_decay=1e-4, seed=22)
predicted = np.asarray(model.predict(test_set[:, :2]))
accuracy = float((predicted == test_set[:, 2]).mean()) if predicted.shape == test_set[:, 2].shape else 0.0
print(f"accuracy={accuracy:.4f}")
