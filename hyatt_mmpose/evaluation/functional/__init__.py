from .classification import balanced_recall
from .radial_error import landmark_errors, mre_sdr, reference_spacing

__all__ = [
    'balanced_recall', 'landmark_errors', 'mre_sdr', 'reference_spacing'
]
