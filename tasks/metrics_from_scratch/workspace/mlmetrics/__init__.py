from .metrics import average_precision, expected_calibration_error, f1, log_loss, roc_auc

__all__ = ["average_precision", "expected_calibration_error", "f1", "log_loss", "roc_auc"]
