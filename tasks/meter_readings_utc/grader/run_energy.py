"""Runs the agent's hourly_consumption on the readings files named on the command line.

A child of score.py, which keeps the truth. /workspace is appended to the import path. Prints
one JSON object per input: {"site|hour": kwh}.
"""

import json
import math
import sys

sys.path.append("/workspace")

import pandas as pd  # noqa: E402

from energy import hourly_consumption  # noqa: E402

sites = sys.argv[1]
for path in sys.argv[2:]:
    table = pd.DataFrame(hourly_consumption(path, sites))
    cells = {}
    for site, hour, kwh in table[["site_id", "hour_utc", "kwh"]].itertuples(index=False):
        value = float(kwh)
        cells[f"{str(site).strip()}|{str(hour).strip()}"] = value if math.isfinite(value) else None
    print(json.dumps(cells))
