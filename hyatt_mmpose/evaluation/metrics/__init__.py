from .cephalometric_classification_metric import \
    CephalometricClassificationMetric
from .conformal_coverage_metric import ConformalCoverageMetric
from .radial_error_metric import RadialErrorMetric

__all__ = [
    'RadialErrorMetric', 'CephalometricClassificationMetric',
    'ConformalCoverageMetric'
]
