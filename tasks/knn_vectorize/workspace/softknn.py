"""Soft k-nearest-neighbour class scores, used by the triage service to score every new ticket.

It is correct, and far too slow: profiling puts almost all of the service's time in
`soft_knn_scores`. See README.md for what it computes.
"""

import math

import numpy as np


def soft_knn_scores(train_X, train_y, query_X, k, gamma, n_classes):
    """Class scores of each query from its k nearest training points.

    train_X: (n_train, d) floats; train_y: (n_train,) ints in [0, n_classes);
    query_X: (n_query, d) floats; k >= 1; gamma >= 0.
    For each query: the squared Euclidean distance to every training point; the k nearest
    points (all of them when k > n_train; equal distances: the lower training index first);
    each votes for its class with weight exp(-gamma * squared distance). The scores are the
    votes divided by their sum. When every weight is 0 (far away queries, the exponentials
    underflow) each of the k neighbours votes with weight 1 instead.
    Returns a float64 array of shape (n_query, n_classes) whose rows sum to 1.
    """
    train_X = np.asarray(train_X, dtype=np.float64)
    query_X = np.asarray(query_X, dtype=np.float64)
    train_y = np.asarray(train_y)
    n_train = train_X.shape[0]
    out = np.zeros((query_X.shape[0], n_classes), dtype=np.float64)
    for q in range(query_X.shape[0]):
        dists = []
        for i in range(n_train):
            diff = train_X[i] - query_X[q]
            dists.append((float(np.dot(diff, diff)), i))
        dists.sort()
        neighbours = dists[: min(k, n_train)]
        votes = [0.0] * n_classes
        for d2, i in neighbours:
            votes[int(train_y[i])] += math.exp(-gamma * d2)
        total = sum(votes)
        if total == 0.0:
            votes = [0.0] * n_classes
            for _, i in neighbours:
                votes[int(train_y[i])] += 1.0
            total = float(len(neighbours))
        for c in range(n_classes):
            out[q, c] = votes[c] / total
    return out
