"""Compares the agent's session_features with the original on hidden inputs.

Prints `passed=N total=M` and `fraction=F`. The candidate gets a copy of each input, and the
input must be left unchanged.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from cases import cases  # noqa: E402
from compare import differs  # noqa: E402
from reference_sessions import session_features as reference  # noqa: E402

sys.path.append("/workspace")
import sessions  # noqa: E402

all_cases = cases()
passed = 0
for name, events in all_cases:
    expected = reference(events.copy())
    given = events.copy()
    try:
        why = differs(sessions.session_features(given), expected)
        if why is None and not given.equals(events):
            why = "the input DataFrame was modified"
    except Exception as err:  # noqa: BLE001 - any crash is a failed case
        why = f"{type(err).__name__}: {err}"
    passed += why is None
    sys.stderr.write(f"{'ok  ' if why is None else 'FAIL'} {name} {why or ''}\n")
print(f"passed={passed} total={len(all_cases)}")
print(f"fraction={passed / len(all_cases):.4f}")
sys.stdout.flush()
os._exit(0)
