from .functional import (balanced_recall, landmark_errors, mre_sdr,
                         reference_spacing)
from .metrics import CephalometricClassificationMetric, RadialErrorMetric

__all__ = [
    'RadialErrorMetric', 'CephalometricClassificationMetric',
    'balanced_recall', 'landmark_errors', 'mre_sdr', 'reference_spacing'
]
