"""Runs the grader's hidden tests and prints how many passed.

Prints `passed=N total=N` and `fraction=F`, where total is the number of tests the grader
has (a test that fails to be collected or errors counts as failed).
"""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED_TESTS = 10


class Tally:
    def __init__(self):
        self.passed = 0

    def pytest_runtest_logreport(self, report):
        if report.when == "call" and report.passed:
            self.passed += 1


def main():
    tally = Tally()
    os.chdir(HERE)
    pytest.main(["-q", "-c", os.path.join(HERE, "pytest.ini"), os.path.join(HERE, "tests")], plugins=[tally])
    passed = min(tally.passed, EXPECTED_TESTS)
    print(f"passed={passed} total={EXPECTED_TESTS}")
    print(f"fraction={passed / EXPECTED_TESTS:.4f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
