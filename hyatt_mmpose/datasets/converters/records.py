"""Records of images and their landmarks, and their checks before
writing."""
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from PIL import Image

from .errors import ConversionError


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
    """The size of an image, decoding it fully to catch truncation.

    Args:
        path (str): The image file.

    Returns:
        tuple[int, int]: ``(width, height)``.

    Raises:
        ConversionError: If it is missing or cannot be decoded.
    """
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


def validate(records: Sequence[LandmarkRecord],
             data_root: str,
             num_landmarks: int,
             skip_bad: bool = False) -> Tuple[List[tuple], List[str]]:
    """Checks each record and measures its image.

    Checks: the image is readable, there are ``num_landmarks`` points, every
    point lies inside the image, no id is repeated.

    Args:
        records (Sequence[LandmarkRecord]): The records, in output order.
        data_root (str): The folder that file names are relative to.
        num_landmarks (int): The landmarks each record must have.
        skip_bad (bool): Whether to leave bad records out instead of
            raising.

    Returns:
        tuple: the good records as ``(record, width, height)`` tuples, and a
        message for each record left out (only with ``skip_bad``).

    Raises:
        ConversionError: On the first bad record, unless ``skip_bad``.
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
            missing = np.flatnonzero(~np.isfinite(rec.points).all(axis=1))
            if missing.size:
                raise ConversionError(
                    f'{rec.source}: landmark {int(missing[0]) + 1} is '
                    'missing or not a number')
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

    Returns:
        np.ndarray: The ``(K, 2)`` points.

    Raises:
        ConversionError: If the mean is asked of unequal numbers of points.
    """
    if ground_truth != 'mean':
        return doctors[ground_truth]
    senior, junior = doctors['senior'], doctors['junior']
    if senior.shape != junior.shape:
        raise ConversionError(
            f'{where}: senior and junior give {len(senior)} and '
            f'{len(junior)} landmarks; use --ground-truth senior or junior')
    return (senior + junior) / 2
