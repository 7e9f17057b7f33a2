from .anatomical_datasets import (AarizDataset, CephAdoAduDataset,
                                  CLDetection2023Dataset, HandXrayDataset,
                                  ISBI2015Dataset, PelvisDataset,
                                  SyntheticLandmarkDataset)
from .converters import ConversionError, InputNotFoundError
from .image_io import RadiographImage, as_bgr_uint8, is_dicom, read_radiograph
from .landmark_dataset import LandmarkDataset, parse_pixel_spacing
from .transforms import LoadRadiograph, RandomScaleRotateShift

__all__ = [
    'ConversionError', 'InputNotFoundError', 'LandmarkDataset',
    'parse_pixel_spacing', 'ISBI2015Dataset', 'AarizDataset',
    'CLDetection2023Dataset', 'HandXrayDataset', 'CephAdoAduDataset',
    'PelvisDataset', 'SyntheticLandmarkDataset', 'RadiographImage',
    'as_bgr_uint8', 'is_dicom', 'read_radiograph', 'LoadRadiograph',
    'RandomScaleRotateShift'
]
