"""Generates defect_cost_threshold's data with a fixed seed.

Units from a production line, about 1.6% defective. The defect probability depends on the
sensors non-linearly (a vibration threshold, a temperature-pressure interaction, a worn tool on
one line late in its life), so a linear model ranks worse than trees. Writes the training set the
agent gets (workspace/data/units.csv) and a test set from the same process that only the grader
sees (grader/test_units.csv).

Run from the task folder inside the task image:
  docker run --rm -v "$PWD:/task" -w /task IMAGE python3 generator/generate.py
"""

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240611


def sample(rng, n, start_id):
    line = rng.choice(["L1", "L2", "L3", "L4"], size=n, p=[0.35, 0.3, 0.2, 0.15])
    shift = rng.choice(["day", "night"], size=n, p=[0.6, 0.4])
    temp = rng.normal(70, 6, n)
    pressure = rng.normal(3.0, 0.4, n)
    vibration = rng.gamma(2.0, 0.6, n)
    speed = rng.normal(120, 15, n)
    tool_hours = rng.uniform(0, 500, n)
    humidity = rng.normal(45, 10, n)
    noise = rng.normal(size=(n, 4))
    z = (
        -6.1
        + 2.3 * (vibration > 2.4)
        + 0.9 * ((temp - 70) / 6) * ((pressure - 3.0) / 0.4)
        + 0.6 * np.maximum((temp - 74) / 3, 0)
        + 2.0 * ((line == "L3") & (tool_hours > 380))
        + 0.5 * (shift == "night")
        + 0.25 * (speed - 120) / 15
        + 0.3 * noise[:, 0]
    )
    defect = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return pd.DataFrame({
        "unit_id": np.arange(start_id, start_id + n),
        "line": line,
        "shift": shift,
        "temperature_c": temp.round(2),
        "pressure_bar": pressure.round(3),
        "vibration_mm_s": vibration.round(3),
        "speed_rpm": speed.round(1),
        "tool_hours": tool_hours.round(1),
        "humidity_pct": humidity.round(1),
        "sensor_a": noise[:, 1].round(3),
        "sensor_b": noise[:, 2].round(3),
        "sensor_c": noise[:, 3].round(3),
        "defect": defect,
    })


def main():
    rng = np.random.default_rng(SEED)
    here = Path(__file__).resolve().parent.parent
    sample(rng, 14000, 100000).to_csv(here / "workspace/data/units.csv", index=False)
    sample(rng, 24000, 500000).to_csv(here / "grader/test_units.csv", index=False)


if __name__ == "__main__":
    main()
