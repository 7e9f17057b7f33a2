from .cephalometric_classification_metric import \
    CephalometricClassificationMetric
from .radial_error_metric import RadialErrorMetric

__all__ = ['RadialErrorMetric', 'CephalometricClassificationMetric']
