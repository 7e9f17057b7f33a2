from .anatomical_datasets import (AarizDataset, CephAdoAduDataset,
                                  CLDetection2023Dataset, HandXrayDataset,
                                  ISBI2015Dataset, PelvisDataset,
                                  SyntheticLandmarkDataset)
from .landmark_dataset import LandmarkDataset, parse_pixel_spacing
from .transforms import RandomScaleRotateShift

__all__ = [
    'LandmarkDataset', 'parse_pixel_spacing', 'ISBI2015Dataset',
    'AarizDataset', 'CLDetection2023Dataset', 'HandXrayDataset',
    'CephAdoAduDataset', 'PelvisDataset', 'SyntheticLandmarkDataset',
    'RandomScaleRotateShift'
]
