import json
import os

import pytest

TOLERANCE = float(os.environ.get("CALIBRATION_TOLERANCE", "0.001"))
with open("/tests/expected.json") as f:
    EXPECTED = json.load(f)


@pytest.fixture(scope="module")
def fits():
    with open("/app/calibration.json") as f:
        return json.load(f)


@pytest.mark.parametrize("sensor", sorted(EXPECTED))
def test_sensor(fits, sensor):
    got = fits[sensor]
    want = EXPECTED[sensor]
    assert abs(float(got["slope"]) - want["slope"]) <= TOLERANCE * max(1, abs(want["slope"]))
    assert abs(float(got["intercept"]) - want["intercept"]) <= TOLERANCE * max(1, abs(want["intercept"]))
