"""Compares the agent's soft_knn_scores with the original implementation on hidden inputs.

Prints `passed=N total=M` and `fraction=F`. A case passes when the result has the right
shape and every score is within rtol 1e-9 / atol 1e-12 of the original's.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

from cases import cases  # noqa: E402
from reference_knn import soft_knn_scores as reference  # noqa: E402

# The agent's module comes from the workspace: appended, so it cannot shadow numpy or ours.
sys.path.append("/workspace")
import softknn  # noqa: E402

passed = 0
all_cases = cases()
for name, X, y, Q, k, gamma, n_classes in all_cases:
    expected = reference(X, y, Q, k, gamma, n_classes)
    args = (X.tolist(), y.tolist(), Q.tolist()) if name == "lists" else (X.copy(), y.copy(), Q.copy())
    try:
        got = np.asarray(softknn.soft_knn_scores(*args, k, gamma, n_classes), dtype=np.float64)
        ok = got.shape == expected.shape and np.allclose(got, expected, rtol=1e-9, atol=1e-12)
        why = "" if ok else f"shape {got.shape} vs {expected.shape}" if got.shape != expected.shape else f"max abs diff {np.nanmax(np.abs(got - expected)):.3g}"
    except Exception as err:  # noqa: BLE001 - any crash is a failed case
        ok, why = False, f"{type(err).__name__}: {err}"
    passed += ok
    sys.stderr.write(f"{'ok  ' if ok else 'FAIL'} {name} {why}\n")
print(f"passed={passed} total={len(all_cases)}")
print(f"fraction={passed / len(all_cases):.4f}")
sys.stdout.flush()
os._exit(0)
