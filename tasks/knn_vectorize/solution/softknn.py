"""Soft k-nearest-neighbour class scores, used by the triage service to score every new ticket.

Vectorised: one distance matrix, a stable sort per row (equal distances keep the lower
training index first, as the original loop did), and the votes summed with bincount.
See README.md for what it computes.
"""

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
    train_y = np.asarray(train_y).astype(np.int64)
    n_query, n_train = query_X.shape[0], train_X.shape[0]
    kk = min(k, n_train)
    if n_query == 0:
        return np.zeros((0, n_classes), dtype=np.float64)
    # Differences squared and summed per pair, as the loop did (no |a|^2 + |b|^2 - 2ab
    # cancellation), so near-equal distances order the same way.
    diff = query_X[:, None, :] - train_X[None, :, :]
    d2 = np.einsum("qid,qid->qi", diff, diff)
    order = np.argsort(d2, axis=1, kind="stable")[:, :kk]
    near_d2 = np.take_along_axis(d2, order, axis=1)
    weights = np.exp(-gamma * near_d2)
    totals = weights.sum(axis=1)
    weights[totals == 0.0] = 1.0
    labels = train_y[order]
    flat = (np.arange(n_query)[:, None] * n_classes + labels).ravel()
    votes = np.bincount(flat, weights=weights.ravel(), minlength=n_query * n_classes)
    votes = votes.reshape(n_query, n_classes)
    return votes / votes.sum(axis=1, keepdims=True)
