from .cephalometry import MEASUREMENTS, classify, landmark_indices, measure

__all__ = ['MEASUREMENTS', 'classify', 'landmark_indices', 'measure']
