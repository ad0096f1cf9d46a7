"""Runs the agent's validator on the batches named on the command line; prints JSON.

A child of score.py, which keeps the expected violations. /workspace is appended
(not prepended) to the import path so the workspace cannot shadow the standard library.
"""

import json
import sys

sys.path.append("/workspace")

from validator import find_violations  # noqa: E402


def main(stations, batches):
    out = {}
    for path in batches:
        found = find_violations(path, stations)
        out[path] = [[int(v["row"]), str(v["column"]), str(v["rule"])] for v in found]
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
