from .classification import balanced_recall
from .coverage import measurement_coverage, radius_coverage, reliability_curve
from .radial_error import landmark_errors, mre_sdr, reference_spacing

__all__ = [
    'balanced_recall', 'landmark_errors', 'measurement_coverage', 'mre_sdr',
    'radius_coverage', 'reference_spacing', 'reliability_curve'
]
