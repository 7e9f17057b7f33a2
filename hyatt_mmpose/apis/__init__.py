from ..datasets.image_io import RadiographImage, read_radiograph
from .adapting import adapt
from .calibrating import calibrate, calibrate_to_file, calibration_path
from .coverage_report import report_coverage
from .inference_model import build_inference_model, config_dataset_meta
from .landmark_checks import landmark_flags
from .landmark_predictor import LandmarkPredictor
from .onnx_export import HeatmapNetwork, export_checkpoint, export_onnx
from .predict_files import expand_inputs, output_names, predict_to_folder
from .prediction_records import (prediction_record, read_prediction,
                                 write_landmark_table, write_prediction)
from .testing import test
from .training import train

__all__ = [
    'HeatmapNetwork', 'LandmarkPredictor', 'RadiographImage', 'adapt',
    'build_inference_model', 'calibrate', 'calibrate_to_file',
    'calibration_path', 'config_dataset_meta', 'expand_inputs',
    'export_checkpoint', 'export_onnx', 'landmark_flags', 'output_names',
    'predict_to_folder', 'prediction_record', 'read_prediction',
    'read_radiograph', 'report_coverage', 'test', 'train',
    'write_landmark_table', 'write_prediction'
]
