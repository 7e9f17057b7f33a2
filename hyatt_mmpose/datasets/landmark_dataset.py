from typing import Optional

import numpy as np
from mmpose.datasets.datasets.base import BaseCocoStyleDataset
from mmpose.registry import DATASETS


def parse_pixel_spacing(value, where: str) -> Optional[np.ndarray]:
    """A ``pixel_spacing`` field as ``[x, y]`` mm per pixel, or None.

    Args:
        value: A positive number, ``[x, y]``, or None (no spacing known).
        where (str): The file and record, for the error message.
    """
    if value is None:
        return None
    try:
        spacing = np.asarray(value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        spacing = np.array([])
    if spacing.size == 1:
        spacing = np.repeat(spacing, 2)
    if spacing.size != 2 or not np.all(np.isfinite(spacing)) \
            or np.any(spacing <= 0):
        raise ValueError(
            f'{where}: pixel_spacing must be a positive number or [x, y] in '
            f'mm per pixel, got {value!r}')
    return spacing


@DATASETS.register_module()
class LandmarkDataset(BaseCocoStyleDataset):
    """Anatomical landmarks in hyatt_mmpose's COCO-style format.

    One instance per image, whose bbox is the whole image; keypoints in
    original-image pixels; each image entry may carry ``pixel_spacing`` in mm
    per pixel (a number, or ``[x, y]`` when anisotropic). Image paths are
    relative to ``data_root`` / ``data_prefix['img']``.

    Every sample's metainfo gets ``pixel_spacing`` (``[x, y]`` or None) and
    ``split``, so metrics report millimetres (and splits) without the user
    adding them to ``PackPoseInputs(meta_keys=...)``.

    Args:
        split (str, optional): A name tagged onto every sample's metainfo
            (``split``), so that metrics over a ``ConcatDataset`` of test
            sets report each one (e.g. ISBI 2015's ``'test1'``, ``'test2'``).
        **kwargs: Those of :class:`mmpose.datasets.BaseCocoStyleDataset`;
            give ``metainfo=dict(from_file=...)`` to use this class directly.
    """

    def __init__(self, *args, split: Optional[str] = None, **kwargs):
        self.split = split
        super().__init__(*args, **kwargs)

    def parse_data_info(self, raw_data_info: dict) -> Optional[dict]:
        data_info = super().parse_data_info(raw_data_info)
        if data_info is None:
            return None
        img = raw_data_info['raw_img_info']
        data_info['pixel_spacing'] = parse_pixel_spacing(
            img.get('pixel_spacing'),
            f'{self.ann_file}, image id {img.get("id")}')
        return data_info

    def prepare_data(self, idx: int):
        data = super().prepare_data(idx)
        sample = data.get('data_samples') if isinstance(data, dict) else None
        if sample is not None:
            spacing = self.get_data_info(idx)['pixel_spacing']
            sample.set_metainfo(dict(pixel_spacing=spacing, split=self.split))
        return data
