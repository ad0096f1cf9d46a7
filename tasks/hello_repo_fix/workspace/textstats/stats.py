"""Word-level statistics for short documents."""

import re
from collections import Counter

_WORD = re.compile(r"[A-Za-z']+")


def tokenize(text):
    """Split text into lowercase words, ignoring punctuation and digits."""
    return [w.lower() for w in _WORD.findall(text)]


def word_counts(text):
    """Return a Counter of lowercase words in ``text``."""
    return Counter(tokenize(text))


def mean_word_length(text):
    """Average number of letters per word; 0.0 for text with no words."""
    words = tokenize(text)
    if not words:
        return 0.0
    return sum(len(w) for w in words) // len(words)
