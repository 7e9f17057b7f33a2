"""What every dataset converter (and the synthetic set) shares: records,
their validation, and writing hyatt_mmpose's COCO-style JSON without
overwriting anything."""
import json
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from PIL import Image

from ..utils.atomic_write import atomic_write


class ConversionError(ValueError):
    """An input entry is unusable; the message names its file and line."""


@dataclass
class LandmarkRecord:
    """One image and its landmarks, as read from a dataset's own layout.

    Args:
        img_id (int): Unique id of the image.
        file_name (str): Image path relative to the data root.
        points (np.ndarray): ``(K, 2)`` landmarks ``(x, y)`` in pixels.
        source (str): Where the landmarks came from (``file`` or
            ``file:line``), for error messages.
        pixel_spacing: mm per pixel, a number or ``[x, y]``; None if unknown.
    """
    img_id: int
    file_name: str
    points: np.ndarray
    source: str
    pixel_spacing: Optional[object] = None


def image_size(path: str) -> Tuple[int, int]:
    """(width, height) of an image, decoding it fully to catch truncation."""
    try:
        with Image.open(path) as img:
            img.load()
            return img.size
    except FileNotFoundError:
        raise ConversionError(f'{path}: image not found') from None
    except Exception as err:  # PIL raises several types for bad files
        raise ConversionError(
            f'{path}: image cannot be read ({err}); replace the file or '
            'pass --skip-bad to leave it out') from None


def validate(records: Sequence[LandmarkRecord], data_root: str,
             num_landmarks: int,
             skip_bad: bool = False) -> Tuple[List[dict], List[str]]:
    """Checks each record and measures its image.

    Checks: the image is readable, there are ``num_landmarks`` points, every
    point lies inside the image, no id is repeated.

    Returns:
        tuple: the good records as ``(record, width, height)`` tuples, and a
        message for each record left out (only with ``skip_bad``).

    Raises:
        ConversionError: on the first bad record, unless ``skip_bad``.
    """
    good, bad = [], []
    seen: Dict[int, str] = {}
    for rec in records:
        try:
            if rec.img_id in seen:
                raise ConversionError(
                    f'{rec.source}: id {rec.img_id} is duplicated (first in '
                    f'{seen[rec.img_id]}); ids must be unique')
            if rec.points.shape != (num_landmarks, 2):
                raise ConversionError(
                    f'{rec.source}: {len(rec.points)} landmarks, expected '
                    f'{num_landmarks}')
            if not np.all(np.isfinite(rec.points)):
                raise ConversionError(f'{rec.source}: non-numeric landmark')
            w, h = image_size(osp.join(data_root, rec.file_name))
            outside = np.flatnonzero((rec.points[:, 0] < 0)
                                     | (rec.points[:, 0] >= w)
                                     | (rec.points[:, 1] < 0)
                                     | (rec.points[:, 1] >= h))
            if outside.size:
                k = int(outside[0])
                raise ConversionError(
                    f'{rec.source}: landmark {k + 1} at '
                    f'{tuple(rec.points[k].tolist())} lies outside the '
                    f'{w} x {h} image {rec.file_name}')
        except ConversionError as err:
            if not skip_bad:
                raise
            bad.append(str(err))
            continue
        seen[rec.img_id] = rec.source
        good.append((rec, w, h))
    return good, bad


def ground_truth_points(doctors: Dict[str, np.ndarray], ground_truth: str,
                        where: str) -> np.ndarray:
    """The senior's, the junior's, or the mean of both doctors' points.

    Args:
        doctors (dict): ``'senior'`` and ``'junior'`` ``(K, 2)`` points.
        ground_truth (str): ``'senior'``, ``'junior'`` or ``'mean'``.
        where (str): The annotation, for the error message.
    """
    if ground_truth != 'mean':
        return doctors[ground_truth]
    senior, junior = doctors['senior'], doctors['junior']
    if senior.shape != junior.shape:
        raise ConversionError(
            f'{where}: senior and junior give {len(senior)} and '
            f'{len(junior)} landmarks; use --ground-truth senior or junior')
    return (senior + junior) / 2


def check_outputs_free(paths: Sequence[str], overwrite: bool) -> None:
    """Refuses to replace existing outputs unless asked to."""
    existing = [p for p in paths if osp.exists(p)]
    if existing and not overwrite:
        raise FileExistsError(
            f'{existing[0]} already exists; pass --overwrite to replace it')


def landmark_annotation(img_id: int, points: np.ndarray, width: int,
                        height: int) -> dict:
    """The one instance of an image: whole-image bbox, (K, 2) points, all
    annotated."""
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


def coco_document(images: list, annotations: list, names: List[str],
                  category: str) -> dict:
    return dict(
        images=images,
        annotations=annotations,
        categories=[
            dict(id=1, name=category, keypoints=list(names), skeleton=[])
        ])


def write_json_atomic(path: str, document: dict) -> None:
    """Writes JSON atomically (see :func:`atomic_write`)."""
    with atomic_write(path) as f:
        json.dump(document, f)


def write_split(path: str, items: Sequence[tuple], names: Sequence[str],
                category: str) -> None:
    """Writes validated ``(record, width, height)`` items as one JSON."""
    images, annotations = [], []
    for rec, w, h in items:
        image = dict(id=rec.img_id, file_name=rec.file_name, width=w,
                     height=h)
        if rec.pixel_spacing is not None:
            image['pixel_spacing'] = rec.pixel_spacing
        images.append(image)
        annotations.append(landmark_annotation(rec.img_id, rec.points, w, h))
    write_json_atomic(path, coco_document(images, annotations, names,
                                          category))


def report_skipped(bad: Sequence[str]) -> None:
    if bad:
        print(f'skipped {len(bad)} bad entries:')
        for message in bad:
            print(f'  {message}')
