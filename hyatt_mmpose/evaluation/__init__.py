from .functional import (balanced_recall, landmark_errors, mre_sdr,
                         reference_spacing)
from .inter_observer import score_inter_observer
from .metrics import CephalometricClassificationMetric, RadialErrorMetric

__all__ = [
    'RadialErrorMetric', 'CephalometricClassificationMetric',
    'balanced_recall', 'landmark_errors', 'mre_sdr', 'reference_spacing',
    'score_inter_observer'
]
