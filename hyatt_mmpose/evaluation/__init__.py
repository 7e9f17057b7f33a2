from .metrics import (CephalometricClassificationMetric, RadialErrorMetric,
                      balanced_recall)

__all__ = [
    'RadialErrorMetric', 'CephalometricClassificationMetric',
    'balanced_recall'
]
