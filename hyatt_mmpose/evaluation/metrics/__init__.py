from .cephalometric_classification_metric import (
    CephalometricClassificationMetric, balanced_recall)
from .radial_error_metric import RadialErrorMetric, landmark_errors

__all__ = [
    'RadialErrorMetric', 'CephalometricClassificationMetric',
    'balanced_recall', 'landmark_errors'
]
