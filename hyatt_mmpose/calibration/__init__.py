"""Conformal calibration: radii in mm around predicted landmarks, and
intervals and class sets for the cephalometric measurements, each with a
stated coverage."""
from .conformal import (conformal_rank, conformal_threshold,
                        min_calibration_size)
from .heatmap_spread import heatmap_region, heatmap_spread, spread_mm
from .landmark_calibration import SCORES, CalibrationError, LandmarkCalibration
from .measurement_sets import class_set, measurement_interval, measurement_sets

__all__ = [
    'SCORES', 'CalibrationError', 'LandmarkCalibration', 'class_set',
    'conformal_rank', 'conformal_threshold', 'heatmap_region',
    'heatmap_spread', 'measurement_interval', 'measurement_sets',
    'min_calibration_size', 'spread_mm'
]
