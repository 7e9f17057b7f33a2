import os.path as osp
from typing import List, Optional, Tuple

import numpy as np
from mmengine.fileio import get_local_path
from mmpose.datasets.datasets.base import BaseCocoStyleDataset
from mmpose.registry import DATASETS
from xtcocotools.coco import COCO

from .converters import ConversionError, entry_errors, read_json
from .framing import whole_image_bbox

# The fields every entry of our COCO-style JSON needs; mmpose would skip an
# instance without bbox or keypoints silently, or fail without the file name.
REQUIRED_FIELDS = dict(
    images=('id', 'file_name', 'width', 'height'),
    annotations=('id', 'image_id', 'category_id', 'bbox', 'keypoints'))
FIX = ('write it with a converter in tools/dataset_converters (README, '
       '"Real datasets")')


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
        raise ConversionError(
            f'{where}: pixel_spacing must be a positive number or [x, y] in '
            f'mm per pixel, got {value!r}')
    return spacing


def check_coco_document(document, path: str) -> None:
    """Refuses a document that lacks what :class:`LandmarkDataset` reads.

    Raises:
        ConversionError: Naming the file, the entry and the field.
    """
    if not isinstance(document, dict):
        raise ConversionError(
            f'{path}: expected a JSON object with "images" and '
            f'"annotations", got a {type(document).__name__}; {FIX}')
    for section, fields in REQUIRED_FIELDS.items():
        entries = document.get(section)
        if not isinstance(entries, list):
            raise ConversionError(f'{path}: "{section}" must be a list, got '
                                  f'{type(entries).__name__}; {FIX}')
        for i, entry in enumerate(entries):
            missing = [
                f for f in fields
                if not isinstance(entry, dict) or f not in entry
            ]
            if missing:
                raise ConversionError(
                    f'{path}, {section}[{i}]: missing field {missing[0]!r} '
                    f'(each entry needs {", ".join(fields)}); {FIX}')


@DATASETS.register_module()
class LandmarkDataset(BaseCocoStyleDataset):
    """Anatomical landmarks in hyatt_mmpose's COCO-style format.

    One instance per image, framed by the whole image
    (:func:`.whole_image_bbox` of the entry's ``width`` and ``height``, as the
    predictor frames a new image), whatever the annotation's ``bbox`` says:
    the predictor has no bbox for a new radiograph, so a model trained or
    tested on any other frame would be used on one it never saw. Keypoints
    in original-image pixels; each image entry may carry ``pixel_spacing``
    in mm per pixel (a number, or ``[x, y]`` when anisotropic). Image paths
    are relative to ``data_root`` / ``data_prefix['img']``.

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

    #: Whether every image must carry ``pixel_spacing`` (datasets whose
    #: spacing is known), rather than fall back to errors in pixels.
    REQUIRES_PIXEL_SPACING = False

    def __init__(self, *args, split: Optional[str] = None, **kwargs):
        self.split = split
        super().__init__(*args, **kwargs)

    def _load_annotations(self) -> Tuple[List[dict], List[dict]]:
        """Loads ``ann_file`` as mmpose does, except that it accepts UTF-8
        with a byte-order mark and names the file (and entry) in every
        error, where mmpose's loader raises a bare ``JSONDecodeError``,
        ``KeyError`` or ``AssertionError``."""
        with get_local_path(self.ann_file) as local_path:
            document = read_json(local_path, 'annotation file')
        check_coco_document(document, self.ann_file)
        with entry_errors(self.ann_file, FIX):
            self.coco = COCO(self.ann_file, ann_data=document)
        if 'categories' in self.coco.dataset:
            self._metainfo['CLASSES'] = self.coco.loadCats(
                self.coco.getCatIds())
        instance_list, image_list = [], []
        for img_id in self.coco.getImgIds():
            if img_id % self.sample_interval != 0:
                continue
            img = self.coco.loadImgs(img_id)[0]
            img.update(
                img_id=img_id,
                img_path=osp.join(self.data_prefix['img'], img['file_name']))
            image_list.append(img)
            for ann in self.coco.loadAnns(self.coco.getAnnIds(imgIds=img_id)):
                instance_info = self.parse_data_info(
                    dict(raw_ann_info=ann, raw_img_info=img))
                if instance_info:
                    instance_list.append(instance_info)
        return instance_list, image_list

    def parse_data_info(self, raw_data_info: dict) -> Optional[dict]:
        img = raw_data_info['raw_img_info']
        where = f'{self.ann_file}, image id {img.get("id")}'
        with entry_errors(
                where, 'numeric "bbox" [x, y, w, h] and '
                '"keypoints" [x1, y1, v1, ...]; ' + FIX):
            data_info = super().parse_data_info(raw_data_info)
        if data_info is None:
            return None
        # mmpose clipped the bbox to (W - 1, H - 1): one frame for all
        with entry_errors(where, 'numeric "width" and "height"; ' + FIX):
            data_info['bbox'] = whole_image_bbox(img['width'], img['height'])
        num_keypoints = self._metainfo.get('num_keypoints')
        found = data_info['keypoints'].shape[1]
        if num_keypoints is not None and found != num_keypoints:
            raise ConversionError(
                f'{where}: {found} keypoints, expected {num_keypoints} '
                f'({self._metainfo.get("dataset_name")}); {FIX}')
        spacing = img.get('pixel_spacing')
        if spacing is None and self.REQUIRES_PIXEL_SPACING:
            raise ConversionError(
                f'{where}: no pixel_spacing, which '
                f'{type(self).__name__} needs (mm per pixel); {FIX}, or '
                'use LandmarkDataset to score in pixels')
        data_info['pixel_spacing'] = parse_pixel_spacing(spacing, where)
        return data_info

    def prepare_data(self, idx: int):
        """The pipeline's sample, with ``pixel_spacing`` and ``split``.

        Raises:
            ConversionError: If the image read is not the ``width`` by
                ``height`` its entry says (the frame is made from those).
        """
        data = super().prepare_data(idx)
        sample = data.get('data_samples') if isinstance(data, dict) else None
        if sample is not None:
            info = self.get_data_info(idx)
            read = sample.metainfo.get('ori_shape')
            framed = info['bbox'][0, [3, 2]]
            if read is not None and tuple(read) != tuple(framed):
                raise ConversionError(
                    f'{self.ann_file}, image id {info["img_id"]}: '
                    f'{info["img_path"]} is {read[1]} x {read[0]} pixels, '
                    f'its entry says {framed[1]:g} x {framed[0]:g} ("width" '
                    f'x "height"); {FIX}')
            sample.set_metainfo(
                dict(pixel_spacing=info['pixel_spacing'], split=self.split))
        return data
