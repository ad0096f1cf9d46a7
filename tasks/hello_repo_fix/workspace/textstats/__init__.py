"""Small text statistics helpers."""

from .stats import mean_word_length, word_counts

__all__ = ["mean_word_length", "word_counts"]
