"""Writing checked records as hyatt_mmpose's COCO-style JSON: one
instance per image, its bbox the whole image."""
import json
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ...utils.atomic_write import atomic_write
from ...utils.overwrite_guard import check_outputs_free
from .records import LandmarkRecord


def split_json_paths(ann_dir: str, splits: Sequence[str],
                     overwrite: bool) -> Dict[str, str]:
    """Each split's ``ann_dir/<split>.json``, checked free before anything
    is written.

    Raises:
        FileExistsError: If one exists, unless ``overwrite``.
    """
    paths = {s: osp.join(ann_dir, f'{s}.json') for s in splits}
    check_outputs_free(list(paths.values()), overwrite)
    return paths


def landmark_annotation(img_id: int, points: np.ndarray, width: int,
                        height: int) -> dict:
    """The one instance of an image.

    Args:
        img_id (int): The image's id, also the instance's.
        points (np.ndarray): ``(K, 2)`` landmarks in pixels, all annotated.
        width (int): The image's width.
        height (int): The image's height.

    Returns:
        dict: The COCO annotation, its bbox the whole image.
    """
    keypoints = []
    for x, y in points.tolist():
        keypoints += [x, y, 2]
    return dict(
        id=img_id,
        image_id=img_id,
        category_id=1,
        bbox=[0, 0, width, height],
        area=float(width * height),
        iscrowd=0,
        num_keypoints=len(points),
        keypoints=keypoints)


def coco_document(images: list,
                  annotations: list,
                  names: Sequence[str],
                  category: str,
                  info: Optional[dict] = None) -> dict:
    """A COCO document with one category whose keypoints are ``names``.

    Args:
        images (list): The ``images`` entries.
        annotations (list): The ``annotations`` entries.
        names (Sequence[str]): The landmark names, in order.
        category (str): The category's name (``'cephalogram'``).
        info (dict, optional): COCO's ``info``: how the file was made
            (e.g. whose annotations are the ground truth).

    Returns:
        dict: The document.
    """
    return dict(
        info=info or {},
        images=images,
        annotations=annotations,
        categories=[
            dict(id=1, name=category, keypoints=list(names), skeleton=[])
        ])


def write_coco(path: str,
               items: Sequence[Tuple[LandmarkRecord, int, int]],
               names: Sequence[str],
               category: str,
               info: Optional[dict] = None) -> None:
    """Writes checked records as one COCO-style JSON file, atomically.

    Args:
        path (str): The JSON file; its folder is made if needed.
        items (Sequence[tuple]): ``(record, width, height)`` as
            :func:`validate` returns them.
        names (Sequence[str]): The landmark names, in order.
        category (str): The category's name (``'cephalogram'``).
        info (dict, optional): COCO's ``info`` (see :func:`coco_document`).
    """
    images: List[dict] = []
    annotations: List[dict] = []
    for rec, w, h in items:
        image = dict(id=rec.img_id, file_name=rec.file_name, width=w, height=h)
        if rec.pixel_spacing is not None:
            image['pixel_spacing'] = rec.pixel_spacing
        images.append(image)
        annotations.append(landmark_annotation(rec.img_id, rec.points, w, h))
    with atomic_write(path) as f:
        json.dump(coco_document(images, annotations, names, category, info), f)
