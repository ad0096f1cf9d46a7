"""Classification metrics in numpy. See SPEC.md for the exact definitions."""


def roc_auc(y_true, y_score):
    raise NotImplementedError


def average_precision(y_true, y_score):
    raise NotImplementedError


def f1(y_true, y_pred, average="binary", labels=None, pos_label=1):
    raise NotImplementedError


def expected_calibration_error(y_true, y_prob, n_bins=10):
    raise NotImplementedError


def log_loss(y_true, y_prob, eps=1e-15):
    raise NotImplementedError
