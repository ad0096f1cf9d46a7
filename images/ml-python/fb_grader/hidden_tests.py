"""Runs a grader's hidden pytest tests and prints how many passed.

Prints `passed=N total=N` and `fraction=F`, where total is the number of tests the grader has
(a test that fails to be collected or errors counts as failed, and extra tests count for nothing).
"""

import os
import sys

import pytest


class _Tally:
    def __init__(self):
        self.passed = 0

    def pytest_runtest_logreport(self, report):
        if report.when == "call" and report.passed:
            self.passed += 1


def run_hidden_tests(grader_dir, expected_tests):
    """Runs `<grader_dir>/tests` with `<grader_dir>/pytest.ini`, from `grader_dir`."""
    tally = _Tally()
    os.chdir(grader_dir)
    pytest.main(
        ["-q", "-c", os.path.join(grader_dir, "pytest.ini"), os.path.join(grader_dir, "tests")],
        plugins=[tally],
    )
    passed = min(tally.passed, expected_tests)
    print(f"passed={passed} total={expected_tests}")
    print(f"fraction={passed / expected_tests:.4f}")
    sys.stdout.flush()
