"""Runs the grader's hidden tests and prints how many passed.

Prints `passed=N total=N` and `fraction=F`, where total is the number of tests the grader
has (a test that fails to be collected or errors counts as failed).
"""

import os

from fb_grader.hidden_tests import run_hidden_tests

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED_TESTS = 13

if __name__ == "__main__":
    run_hidden_tests(HERE, EXPECTED_TESTS)
