"""Hidden inputs for soft_knn_scores, made here with fixed seeds (the agent never sees them)."""

import numpy as np


def cases():
    rng = np.random.default_rng(41_977)
    out = []

    def add(name, X, y, Q, k, gamma, n_classes):
        out.append((name, np.asarray(X, dtype=np.float64), np.asarray(y), np.asarray(Q, dtype=np.float64), k, gamma, n_classes))

    X = rng.normal(size=(150, 6)); y = rng.integers(0, 4, 150); Q = rng.normal(size=(40, 6))
    add("gaussian", X, y, Q, 7, 0.3, 4)
    add("k_is_one", X, y, Q, 1, 0.3, 4)
    add("k_above_n_train", X[:9], y[:9], Q, 25, 0.1, 4)
    add("gamma_zero", X, y, Q, 11, 0.0, 4)
    # Integer grid: many exactly equal distances, so the tie-break by training index decides.
    Xi = rng.integers(-2, 3, size=(120, 3)); yi = rng.integers(0, 3, 120); Qi = rng.integers(-2, 3, size=(30, 3))
    add("integer_ties", Xi, yi, Qi, 5, 0.2, 3)
    add("integer_ties_k_even", Xi, yi, Qi, 8, 0.0, 3)
    # Duplicated training rows with different labels.
    Xd = np.repeat(rng.normal(size=(20, 4)), 3, axis=0); yd = rng.integers(0, 5, 60); Qd = Xd[::7] + 0.0
    add("duplicates", Xd, yd, Qd, 4, 1.0, 5)
    # Far queries: every exp() underflows to 0, so the neighbours vote with weight 1.
    add("underflow", X, y, Q + 80.0, 6, 5.0, 4)
    add("mixed_underflow", X, y, np.vstack([Q[:10], Q[10:20] + 60.0]), 6, 2.0, 4)
    # A class that never occurs, one query, no queries, one feature.
    add("unused_class", X, np.where(y == 3, 0, y), Q, 9, 0.5, 6)
    add("one_query", X, y, Q[:1], 5, 0.5, 4)
    add("no_queries", X, y, Q[:0], 5, 0.5, 4)
    X1 = rng.normal(size=(80, 1)); add("one_feature", X1, rng.integers(0, 2, 80), rng.normal(size=(15, 1)), 10, 1.5, 2)
    # Labels given as a Python list, features as nested lists.
    add("lists", X[:30].tolist(), y[:30].tolist(), Q[:5].tolist(), 3, 0.2, 4)
    return out
