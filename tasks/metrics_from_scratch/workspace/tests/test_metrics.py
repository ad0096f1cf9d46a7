"""Worked examples from SPEC.md; run with `python3 -m pytest -q tests`."""

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import mlmetrics  # noqa: E402


def test_roc_auc_counts_ties_as_half():
    # Positives 0.8, 0.4; negatives 0.4, 0.1: pairs (0.8>0.4, 0.8>0.1, 0.4=0.4, 0.4>0.1) -> 3.5 / 4.
    assert math.isclose(mlmetrics.roc_auc([1, 1, 0, 0], [0.8, 0.4, 0.4, 0.1]), 0.875)


def test_roc_auc_needs_both_classes():
    with pytest.raises(ValueError):
        mlmetrics.roc_auc([1, 1], [0.3, 0.6])


def test_average_precision():
    # Thresholds 0.9 (P=1, R=1/2), 0.5 (P=2/3, R=1/2), 0.2 (P=2/4, R=2/2) -> 0.5*1 + 0 + 0.5*0.5.
    assert math.isclose(mlmetrics.average_precision([1, 0, 0, 1], [0.9, 0.5, 0.2, 0.2]), 0.75)


def test_f1_macro_with_a_class_never_predicted():
    # Class 0: TP=1 FP=0 FN=1 -> 2/3; class 1: TP=1 FP=2 FN=0 -> 1/2; class 2: never predicted -> 0.
    assert math.isclose(mlmetrics.f1([0, 0, 1, 2], [0, 1, 1, 1], average="macro"), 7 / 18)


def test_ece_edges_go_to_the_lower_bin():
    # n_bins=2: 0.5 is in [0, 0.5] with 0.0; 1.0 is in (0.5, 1].
    ece = mlmetrics.expected_calibration_error([0, 1, 1], [0.0, 0.5, 1.0], n_bins=2)
    assert math.isclose(ece, 2 / 3 * abs(0.5 - 0.25) + 1 / 3 * 0.0)


def test_log_loss_clips():
    assert math.isclose(mlmetrics.log_loss([1, 0], [1.0, 0.0]), -math.log(1 - 1e-15), rel_tol=1e-6)
