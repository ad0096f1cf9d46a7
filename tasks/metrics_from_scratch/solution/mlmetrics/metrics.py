"""Classification metrics in numpy (reference solution)."""

import numpy as np


def _binary(y_true, y_score):
    y = np.asarray(y_true).astype(np.int64).ravel()
    s = np.asarray(y_score, dtype=np.float64).ravel()
    if y.shape != s.shape:
        raise ValueError("y_true and y_score differ in length")
    return y, s


def roc_auc(y_true, y_score):
    """P(score of a random positive > score of a random negative), ties counting one half."""
    y, s = _binary(y_true, y_score)
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("roc_auc needs both classes")
    # Average ranks (1-based) give tied scores their mean rank: the Mann-Whitney U statistic.
    order = np.argsort(s, kind="mergesort")
    sorted_s = s[order]
    ranks = np.empty(len(s), dtype=np.float64)
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_s)) + 1]
    ends = np.r_[starts[1:], len(s)]
    for a, b in zip(starts, ends):
        ranks[order[a:b]] = (a + 1 + b) / 2.0
    u = ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2.0
    return u / (n_pos * n_neg)


def average_precision(y_true, y_score):
    """sum over distinct thresholds (descending) of (R_k - R_{k-1}) * P_k."""
    y, s = _binary(y_true, y_score)
    order = np.argsort(-s, kind="mergesort")
    y, s = y[order], s[order]
    last_of_group = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]
    tp = np.cumsum(y)[last_of_group]
    predicted = last_of_group + 1
    precision = tp / predicted
    recall = tp / y.sum()
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def _f1_parts(y, p, label):
    tp = int(np.sum((y == label) & (p == label)))
    fp = int(np.sum((y != label) & (p == label)))
    fn = int(np.sum((y == label) & (p != label)))
    return tp, fp, fn


def _f1(tp, fp, fn):
    denominator = 2 * tp + fp + fn
    return 0.0 if denominator == 0 else 2 * tp / denominator


def f1(y_true, y_pred, average="binary", labels=None, pos_label=1):
    y = np.asarray(y_true).ravel()
    p = np.asarray(y_pred).ravel()
    if average == "binary":
        return _f1(*_f1_parts(y, p, pos_label))
    if labels is None:
        labels = np.unique(np.concatenate([y, p]))
    parts = [_f1_parts(y, p, label) for label in labels]
    if average == "micro":
        return _f1(*(sum(x[i] for x in parts) for i in range(3)))
    scores = np.array([_f1(*x) for x in parts])
    if average == "macro":
        return float(scores.mean())
    if average == "weighted":
        support = np.array([np.sum(y == label) for label in labels], dtype=np.float64)
        return 0.0 if support.sum() == 0 else float((scores * support).sum() / support.sum())
    raise ValueError(f"unknown average {average!r}")


def expected_calibration_error(y_true, y_prob, n_bins=10):
    y, p = _binary(y_true, y_prob)
    # Bin i covers (i/n, (i+1)/n]; 0 joins the first bin.
    bins = np.clip(np.ceil(p * n_bins).astype(np.int64) - 1, 0, n_bins - 1)
    # ceil on a float product can land one bin off at an exact edge: settle with the edges themselves.
    edges = np.arange(n_bins + 1) / n_bins
    bins = np.where((bins > 0) & (p <= edges[bins]), bins - 1, bins)
    bins = np.where((bins < n_bins - 1) & (p > edges[np.minimum(bins + 1, n_bins)]), bins + 1, bins)
    total = 0.0
    for b in range(n_bins):
        members = bins == b
        if members.any():
            total += members.mean() * abs(y[members].mean() - p[members].mean())
    return float(total)


def log_loss(y_true, y_prob, eps=1e-15):
    y, p = _binary(y_true, y_prob)
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
