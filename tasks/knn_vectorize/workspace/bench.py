"""Times soft_knn_scores at the service's size: python3 bench.py"""

import time

import numpy as np

from softknn import soft_knn_scores

rng = np.random.default_rng(7)
X = rng.normal(size=(800, 16))
y = rng.integers(0, 5, 800)
Q = rng.normal(size=(100, 16))
start = time.perf_counter()
scores = soft_knn_scores(X, y, Q, 15, 0.05, 5)
print(f"soft_knn_scores: {time.perf_counter() - start:.3f}s for {len(Q)} queries x {len(X)} training points")
