"""The named landmark datasets: :class:`LandmarkDataset` with their
metainfo (landmark names, drawing colours and skeleton)."""
from mmpose.registry import DATASETS

from .landmark_dataset import LandmarkDataset
from .metainfo import metainfo_file


def _metainfo(name: str) -> dict:
    return dict(from_file=metainfo_file(name))


@DATASETS.register_module()
class ISBI2015Dataset(LandmarkDataset):
    """ISBI 2015 challenge cephalograms, 19 landmarks, 0.1 mm per pixel."""
    METAINFO = _metainfo('isbi2015')
    REQUIRES_PIXEL_SPACING = True


@DATASETS.register_module()
class AarizDataset(LandmarkDataset):
    """Aariz cephalograms, 29 landmarks, spacing per image."""
    METAINFO = _metainfo('aariz')
    REQUIRES_PIXEL_SPACING = True


@DATASETS.register_module()
class CLDetection2023Dataset(LandmarkDataset):
    """CL-Detection 2023 cephalograms, 38 landmarks, spacing per image."""
    METAINFO = _metainfo('cldetection2023')
    REQUIRES_PIXEL_SPACING = True


@DATASETS.register_module()
class HandXrayDataset(LandmarkDataset):
    """Digital Hand Atlas radiographs, 37 landmarks; no physical spacing
    (see ``RadialErrorMetric(reference_distance=...)``)."""
    METAINFO = _metainfo('hand')


@DATASETS.register_module()
class CephAdoAduDataset(LandmarkDataset):
    """CephAdoAdu cephalograms, 10 landmarks."""
    METAINFO = _metainfo('cephadoadu')


@DATASETS.register_module()
class PelvisDataset(LandmarkDataset):
    """Pelvis radiographs, 10 landmarks."""
    METAINFO = _metainfo('pelvis')


@DATASETS.register_module()
class SyntheticLandmarkDataset(LandmarkDataset):
    """The synthetic set of :mod:`hyatt_mmpose.datasets.synthetic`."""
    METAINFO = _metainfo('synthetic')
