from .image_io import RadiographImage, read_radiograph
from .landmark_predictor import LandmarkPredictor

__all__ = ['LandmarkPredictor', 'RadiographImage', 'read_radiograph']
