"""The CL-Detection 2023 training data.

The challenge ships its images as one stacked MetaImage volume (N images of
H x W x 3, zero-padded to a common size) and its 38 landmarks in
``train-gt.json``: ``points`` entries with ``point: [x, y, slice]`` (slices
numbered from 1) and the image's pixel spacing as ``scale``. Each slice is
written as ``images/<slice>.png`` with its zero padding cropped (the
landmarks are measured from the top-left corner, so they do not move), and
train, val and test JSON with a seeded split.
"""
import os
import os.path as osp
from typing import Dict, Tuple

import cv2
import numpy as np

from ...utils.overwrite_guard import check_outputs_free
from ..metainfo import landmark_names
from .coco_writer import split_json_paths, write_coco
from .entries import entry_errors, to_number
from .errors import ConversionError
from .metaimage import iter_slices
from .records import LandmarkRecord, validate
from .reports import report_skipped
from .splits import seeded_split
from .text_files import read_json

NUM_LANDMARKS = 38


def crop_zero_padding(image: np.ndarray) -> np.ndarray:
    """Drops the all-zero rows and columns after the last non-zero ones.

    Args:
        image (np.ndarray): An ``(H, W[, C])`` slice.

    Returns:
        np.ndarray: The slice without its padding.

    Raises:
        ConversionError: If the slice is all zero.
    """
    flat = image.reshape(image.shape[0], image.shape[1], -1)
    rows = np.flatnonzero(flat.any(axis=(1, 2)))
    cols = np.flatnonzero(flat.any(axis=(0, 2)))
    if not rows.size:
        raise ConversionError('an all-zero slice')
    return image[:rows[-1] + 1, :cols[-1] + 1]


def read_landmarks(path: str) -> Dict[int, Tuple[np.ndarray, float]]:
    """The landmarks and spacing of each slice.

    Args:
        path (str): ``train-gt.json``.

    Returns:
        dict: Slice -> ``(points, spacing)``: ``(38, 2)`` points in
        landmark-name order (NaN where absent) and mm per pixel.

    Raises:
        ConversionError: Naming the file and the bad entry.
    """
    document = read_json(path, 'landmark JSON')
    expected = ('{"points": [{"name": "1".."38", "scale": MM, '
                '"point": [x, y, slice]}, ...]}')
    with entry_errors(path, expected):
        points = list(document['points'])
    by_slice = {}
    for i, p in enumerate(points):
        where = f'{path}, points[{i}]'
        with entry_errors(where, expected):
            x, y, index = p['point']
            name, scale = p['name'], p['scale']
        index = to_number(
            index, where, 'point[2] (slice)', integer=True, positive=True)
        entry = by_slice.setdefault(index, dict(points={}, spacing=None))
        entry['points'][to_number(
            name, where, 'name',
            integer=True)] = (to_number(x, where, 'point[0] (x)'),
                              to_number(y, where, 'point[1] (y)'))
        entry['spacing'] = to_number(scale, where, 'scale', positive=True)
    return {
        index: (np.array([
            e['points'].get(k, (np.nan, np.nan))
            for k in range(1, NUM_LANDMARKS + 1)
        ]), e['spacing'])
        for index, e in by_slice.items()
    }


def convert_cldetection2023(stack: str,
                            gt_json: str,
                            out_root: str,
                            val_size: int = 50,
                            test_size: int = 50,
                            seed: int = 2023,
                            skip_bad: bool = False,
                            overwrite: bool = False) -> Dict[str, int]:
    """Writes ``out_root/images/<slice>.png`` and
    ``out_root/annotations/{train,val,test}.json``.

    Args:
        stack (str): ``train_stack.mha``.
        gt_json (str): ``train-gt.json``.
        out_root (str): The data root to write.
        val_size (int): Images drawn as val.
        test_size (int): Images drawn as test.
        seed (int): The seed of the draw.
        skip_bad (bool): Leave bad entries out and list them.
        overwrite (bool): Replace existing images and JSON.

    Returns:
        dict: Split -> number of images (val, test, train).

    Raises:
        ConversionError: On a bad entry, unless ``skip_bad``.
        FileExistsError: If an output exists, unless ``overwrite``.
    """
    outputs = split_json_paths(
        osp.join(out_root, 'annotations'), ('train', 'val', 'test'), overwrite)
    landmarks = read_landmarks(gt_json)
    os.makedirs(osp.join(out_root, 'images'), exist_ok=True)
    records, empty = [], []
    for index, image in enumerate(iter_slices(stack), 1):
        rel = osp.join('images', f'{index}.png')
        path = osp.join(out_root, rel)
        check_outputs_free([path], overwrite)
        try:
            image = crop_zero_padding(image)
        except ConversionError as err:
            message = f'{stack} (slice {index}): {err}'
            if not skip_bad:
                raise ConversionError(message) from None
            empty.append(message)
            continue
        if image.ndim == 3:
            image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
        cv2.imwrite(path, image)
        points, spacing = landmarks.get(index, (np.zeros((0, 2)), None))
        records.append(
            LandmarkRecord(index, rel, points, f'{gt_json} (slice {index})',
                           spacing))
    good, bad = validate(records, out_root, NUM_LANDMARKS, skip_bad)
    parts = seeded_split(good, dict(val=val_size, test=test_size), seed)
    names = landmark_names('cldetection2023')
    for split, items in parts.items():
        write_coco(outputs[split], items, names, 'cephalogram')
    report_skipped(empty + bad)
    return {split: len(items) for split, items in parts.items()}
