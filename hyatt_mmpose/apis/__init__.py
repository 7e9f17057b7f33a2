from ..datasets.image_io import RadiographImage, read_radiograph
from .landmark_checks import landmark_flags
from .landmark_predictor import LandmarkPredictor
from .onnx_export import HeatmapNetwork, export_onnx

__all__ = [
    'HeatmapNetwork', 'LandmarkPredictor', 'RadiographImage', 'export_onnx',
    'landmark_flags', 'read_radiograph'
]
