from .landmark_predictor import LandmarkPredictor, read_image

__all__ = ['LandmarkPredictor', 'read_image']
