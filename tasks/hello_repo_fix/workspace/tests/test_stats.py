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
