"""Runs the agent's find_people on the records named on the command line; prints JSON.

A child of score.py, which keeps the true people. /workspace is appended to the path.
"""

import json
import sys

sys.path.append("/workspace")

from dedupe import find_people  # noqa: E402

labels = find_people(sys.argv[1], sys.argv[2])
print(json.dumps({str(k): str(v) for k, v in labels.items()}))
