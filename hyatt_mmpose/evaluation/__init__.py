from .functional import (balanced_recall, landmark_errors,
                         measurement_coverage, mre_sdr, radius_coverage,
                         reference_spacing)
from .inter_observer import score_inter_observer
from .metrics import (CephalometricClassificationMetric,
                      ConformalCoverageMetric, RadialErrorMetric)

__all__ = [
    'RadialErrorMetric', 'CephalometricClassificationMetric',
    'ConformalCoverageMetric', 'balanced_recall', 'landmark_errors',
    'measurement_coverage', 'mre_sdr', 'radius_coverage', 'reference_spacing',
    'score_inter_observer'
]
