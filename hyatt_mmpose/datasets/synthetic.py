"""Synthetic radiograph-like images with 19 learnable landmarks.

A skull-like arrangement of overlapping bony plates (cranial base, maxilla,
mandible, incisor, nose) over a faint cranium ring, drawn as X-ray-like
additive intensities. Every landmark is a corner of a plate, so each sits on a
visible, learnable structure. Pose, scale, contrast, blur and noise vary per
image; everything follows from the seed.
"""
import os
import os.path as osp
from typing import List, Tuple

import cv2
import numpy as np

from ..utils.overwrite_guard import check_outputs_free
from .converters import LandmarkRecord, write_coco

# Plates as (intensity, corners); corners in a unit square, face to the
# right. The corners, in this order, are the 19 landmarks.
PLATES = [
    (0.35, [(0.30, 0.30), (0.55, 0.22), (0.72, 0.32), (0.45, 0.45)]),
    (0.30, [(0.50, 0.50), (0.78, 0.48), (0.80, 0.58), (0.55, 0.62)]),
    (0.40, [(0.33, 0.55), (0.42, 0.82), (0.70, 0.88), (0.76, 0.75),
            (0.50, 0.70)]),
    (0.45, [(0.83, 0.63), (0.89, 0.67), (0.80, 0.71)]),
    (0.25, [(0.82, 0.36), (0.93, 0.45), (0.83, 0.46)]),
]
LANDMARK_NAMES = [
    f'{part}_{i}' for part, plate in zip(
        ['cranial_base', 'maxilla', 'mandible', 'incisor', 'nose'], PLATES)
    for i in range(len(plate[1]))
]
NUM_LANDMARKS = len(LANDMARK_NAMES)  # 19
_SUPERSAMPLE = 4


def _similarity(rng: np.random.Generator, size: int) -> np.ndarray:
    """A random 2x3 map from unit-square template coords to pixels."""
    angle = np.deg2rad(rng.uniform(-12, 12))
    scale = size * rng.uniform(0.8, 1.0)
    shift = rng.uniform(-0.06, 0.06, 2) * size
    rot = scale * np.array([[np.cos(angle), -np.sin(angle)],
                            [np.sin(angle), np.cos(angle)]])
    centre = np.full(2, size / 2)
    offset = centre + shift - rot @ np.full(2, 0.58)
    return np.hstack([rot, offset[:, None]])


def render_sample(rng: np.random.Generator,
                  size: int = 256) -> Tuple[np.ndarray, np.ndarray]:
    """Renders one image.

    Args:
        rng (np.random.Generator): The source of all randomness.
        size (int): Side of the square image, in pixels.

    Returns:
        tuple: the ``(size, size)`` uint8 image and the ``(19, 2)`` float
        landmarks ``(x, y)`` in pixels (pixel centres at integers).
    """
    warp = _similarity(rng, size)
    big = size * _SUPERSAMPLE
    canvas = np.zeros((big, big), np.float32)
    # A faint cranium ring behind the plates: structure without landmarks.
    centre = warp @ np.array([0.5, 0.4, 1.0])
    axes = (int(0.42 * size * _SUPERSAMPLE), int(0.34 * size * _SUPERSAMPLE))
    ring = np.zeros_like(canvas)
    cv2.ellipse(
        ring,
        tuple(int(c * _SUPERSAMPLE) for c in centre),
        axes,
        rng.uniform(-10, 10),
        0,
        360,
        1.0,
        thickness=3 * _SUPERSAMPLE)
    canvas += 0.2 * ring
    landmarks = []
    for intensity, corners in PLATES:
        pts = np.array([warp @ np.array([x, y, 1.0]) for x, y in corners])
        landmarks.append(pts)
        plate = np.zeros_like(canvas)
        # Supersampled pixel centres: (p + 0.5) * S - 0.5.
        poly = np.round(
            ((pts + 0.5) * _SUPERSAMPLE - 0.5) * 16).astype(np.int32)
        cv2.fillPoly(plate, [poly], 1.0, lineType=cv2.LINE_AA, shift=4)
        canvas += intensity * rng.uniform(0.8, 1.2) * plate
    image = cv2.resize(canvas, (size, size), interpolation=cv2.INTER_AREA)
    # Background gradient, contrast, blur and noise.
    yy, xx = np.mgrid[0:size, 0:size] / size
    image += 0.1 * rng.uniform() * (xx * rng.uniform(-1, 1) + yy)
    image = image * rng.uniform(0.7, 1.3) + rng.uniform(0.0, 0.15)
    sigma = rng.uniform(0.3, 1.5)
    image = cv2.GaussianBlur(image, (0, 0), sigma)
    image += rng.normal(0, rng.uniform(0.01, 0.04), image.shape)
    image = np.clip(image / 1.6 * 255, 0, 255).astype(np.uint8)
    return image, np.concatenate(landmarks).astype(np.float32)


Splits = Tuple[Tuple[str, int], ...]
DEFAULT_SPLITS: Splits = (('train', 160), ('val', 20), ('test', 20))


def make_synthetic_dataset(out_dir: str,
                           splits: Splits = DEFAULT_SPLITS,
                           size: int = 256,
                           pixel_spacing: float = 0.5,
                           seed: int = 0,
                           overwrite: bool = False) -> List[str]:
    """Writes images and one annotation JSON per split.

    Layout: ``out_dir/images/{split}_{i:04d}.png`` and
    ``out_dir/annotations/{split}.json`` in hyatt_mmpose's COCO-style format.

    Returns:
        list[str]: the annotation files written.

    Raises:
        FileExistsError: an annotation file exists and not ``overwrite``.
    """
    ann_dir = osp.join(out_dir, 'annotations')
    ann_files = [osp.join(ann_dir, f'{name}.json') for name, _ in splits]
    check_outputs_free(ann_files, overwrite)
    os.makedirs(osp.join(out_dir, 'images'), exist_ok=True)
    rng = np.random.default_rng(seed)
    img_id = 0
    for (name, count), ann_file in zip(splits, ann_files):
        items = []
        for i in range(count):
            img_id += 1
            image, pts = render_sample(rng, size)
            rel = f'images/{name}_{i:04d}.png'
            cv2.imwrite(osp.join(out_dir, rel), image)
            items.append((LandmarkRecord(img_id, rel, pts, rel,
                                         pixel_spacing), size, size))
        write_coco(ann_file, items, LANDMARK_NAMES, 'synthetic')
    return ann_files
