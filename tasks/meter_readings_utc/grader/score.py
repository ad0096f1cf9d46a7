"""Scores the agent's hourly energy table on two periods it never saw.

The periods cross other clock changes than the visible one (spring forward in Europe and the US;
fall back in another year). The agent's code runs in a child process (run_energy.py) on copies of
the readings; the truth (from the generator's true UTC instants and intervals) stays here. A cell
(site, UTC hour) is right when the agent has it within 0.002 kWh; the fraction is right cells over
all cells in the truth or in the agent's table. Prints `fraction=<value>`.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PERIODS = ["spring", "autumn"]


def main():
    with open(os.path.join(HERE, "truth.json")) as f:
        truth = json.load(f)
    with tempfile.TemporaryDirectory() as tmp:
        paths = [shutil.copy(os.path.join(HERE, f"readings_{p}.csv"), os.path.join(tmp, f"readings_{p}.csv")) for p in PERIODS]
        sites = shutil.copy("/workspace/data/sites.csv", os.path.join(tmp, "sites.csv"))
        child = subprocess.run([sys.executable, os.path.join(HERE, "run_energy.py"), sites, *paths],
                               capture_output=True, text=True, timeout=300, cwd="/workspace")
    if child.returncode != 0:
        sys.stderr.write(child.stderr[-4000:])
        last = (child.stderr.strip().splitlines() or [""])[-1]
        sys.exit(f"hourly_consumption failed (exit {child.returncode}): {last[:300]}")
    try:
        tables = [json.loads(line) for line in child.stdout.strip().splitlines()[-len(PERIODS):]]
    except ValueError:
        sys.exit("hourly_consumption's tables could not be read")
    right = total = 0
    for period, got in zip(PERIODS, tables):
        want = truth[period]
        cells = set(want) | set(got)
        ok = [c for c in cells if c in want and got.get(c) is not None and abs(got[c] - want[c]) <= 0.002]
        right += len(ok)
        total += len(cells)
        wrong = sorted(cells - set(ok))
        sys.stderr.write(f"{period}: {len(ok)} of {len(cells)} cells right; first wrong: {wrong[:5]}\n")
    print(f"right={right} cells={total}")
    print(f"fraction={right / total:.4f}")


if __name__ == "__main__":
    main()
