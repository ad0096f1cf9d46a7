# The grader's own copy of the tests, copied into the sandbox only after the agent
# stops: editing workspace/tests cannot make these pass. The last two are not in the
# workspace, so special-casing the visible inputs does not pass either.
from textstats import mean_word_length, word_counts


def test_word_counts_ignores_case_and_punctuation():
    counts = word_counts("The cat, the hat. THE END!")
    assert counts["the"] == 3
    assert counts["cat"] == 1


def test_mean_word_length_is_fractional():
    # "ab" and "abc": (2 + 3) / 2 = 2.5
    assert mean_word_length("ab abc") == 2.5


def test_mean_word_length_of_empty_text():
    assert mean_word_length("  ...  ") == 0.0


def test_mean_word_length_of_three_words():
    # 1 + 2 + 4 letters over 3 words
    assert abs(mean_word_length("I am here") - 7 / 3) < 1e-9


def test_mean_word_length_counts_apostrophes():
    # "don't" has 5 characters, "go" 2
    assert mean_word_length("Don't go") == 3.5
