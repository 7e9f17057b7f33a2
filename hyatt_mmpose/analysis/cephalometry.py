"""The eight cephalometric measurements of the ISBI 2015 challenge, and
their clinical classes.

Measurements follow the challenge's definitions (`Wang et al., Medical Image
Analysis 2016 <https://doi.org/10.1016/j.media.2016.02.004>`_), in image
coordinates with x towards the face and y downwards. ``v(P->Q) = Q - P``;
angles between vectors are unsigned, 0 to 180 degrees; ``cross(u, w) =
u_x * w_y - u_y * w_x``. Landmarks are rounded to whole pixels first, as the
challenge did, then scaled by the image's pixel spacing, so lengths are in
millimetres and angles are true angles even for anisotropic pixels.
"""
from typing import Dict, Optional, Sequence

import numpy as np

MEASUREMENTS = ('SNA', 'SNB', 'ANB', 'ODI', 'APDI', 'FHI', 'FMA', 'MW')
# The landmarks the measurements use, by name (as in the isbi2015, aariz and
# cldetection2023 metainfo) and by the ISBI 2015 challenge's number.
REQUIRED = dict(
    sella=1,
    nasion=2,
    orbitale=3,
    porion=4,
    subspinale=5,
    supramentale=6,
    pogonion=7,
    menton=8,
    gnathion=9,
    gonion=10,
    lower_incisal_incision=11,
    upper_incisal_incision=12,
    posterior_nasal_spine=17,
    anterior_nasal_spine=18)
# Class 1 is the closed normal range; then (class above, class below).
RANGES = dict(
    SNA=(79.4, 83.2, 2, 3),
    SNB=(74.6, 78.7, 3, 2),
    ANB=(3.2, 5.7, 2, 3),
    ODI=(68.4, 80.5, 2, 3),
    APDI=(77.6, 85.2, 3, 2),
    FHI=(0.65, 0.75, 2, 3),
    FMA=(26.8, 31.4, 2, 3),
    MW=(2.0, 4.5, 4, 3))
NUM_CLASSES = dict({m: 3 for m in MEASUREMENTS}, MW=4)


def _angle(u: np.ndarray, w: np.ndarray) -> np.ndarray:
    cos = (u * w).sum(-1) / (
        np.linalg.norm(u, axis=-1) * np.linalg.norm(w, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def _cross(u: np.ndarray, w: np.ndarray) -> np.ndarray:
    return u[..., 0] * w[..., 1] - u[..., 1] * w[..., 0]


def _spacing_per_image(pixel_spacing, count: int, single: bool) -> np.ndarray:
    """``(count, 2)`` spacings; see :func:`measure` for the forms."""
    spacing = np.asarray(pixel_spacing, dtype=np.float64)
    if spacing.ndim == 0:
        return np.full((count, 2), float(spacing))
    if spacing.ndim == 1 and single and spacing.size == 2:
        return spacing[None]
    if spacing.ndim == 1 and spacing.size == count:
        return np.repeat(spacing[:, None], 2, axis=1)
    if spacing.shape == (count, 2):
        return spacing
    raise ValueError(f'pixel_spacing of shape {spacing.shape} does not fit '
                     f'{count} image(s): give a number, [x, y] for one '
                     'image, (N,) or (N, 2)')


def landmark_indices(names: Sequence[str]) -> Dict[str, int]:
    """Index of each required landmark in a dataset's landmark order.

    Raises:
        ValueError: naming every required landmark the dataset lacks.
    """
    missing = [n for n in REQUIRED if n not in names]
    if missing:
        raise ValueError(
            'cephalometric measurements need the landmarks '
            f'{", ".join(missing)}, which this dataset does not have')
    return {n: list(names).index(n) for n in REQUIRED}


def measure(landmarks: np.ndarray,
            pixel_spacing,
            names: Optional[Sequence[str]] = None) -> Dict[str, np.ndarray]:
    """The eight measurements of each image.

    Args:
        landmarks (np.ndarray): ``(N, K, 2)`` or ``(K, 2)`` pixels ``(x, y)``.
        pixel_spacing: mm per pixel: a number for all images; for one
            ``(K, 2)`` image also ``[x, y]``; for ``N`` images also one
            number per image ``(N,)`` or ``[x, y]`` per image ``(N, 2)``.
        names (Sequence[str], optional): The K landmark names (a dataset's
            ``keypoint_id2name`` in order); the ISBI 2015 order if omitted.

    Returns:
        dict: each name of :data:`MEASUREMENTS` to an ``(N,)`` array (a
        float for a single ``(K, 2)`` image). Angles in degrees, MW in mm,
        FHI a ratio.
    """
    pts = np.asarray(landmarks, dtype=np.float64)
    single = pts.ndim == 2
    pts = pts[None] if single else pts
    if names is None:
        idx = {n: k - 1 for n, k in REQUIRED.items()}
        if pts.shape[1] < 19:
            raise ValueError(f'{pts.shape[1]} landmarks; pass `names` for '
                             'datasets other than ISBI 2015')
    else:
        idx = landmark_indices(names)
    spacing = _spacing_per_image(pixel_spacing, len(pts), single)
    # The challenge rounded to whole pixels (half up) before measuring.
    mm = np.floor(pts + 0.5) * spacing[:, None, :]
    P = {n: mm[:, k] for n, k in idx.items()}
    S, N, A, B = P['sella'], P['nasion'], P['subspinale'], P['supramentale']
    Or, Po = P['orbitale'], P['porion']
    palatal = P['anterior_nasal_spine'] - P['posterior_nasal_spine']
    p = _angle(Or - Po, palatal)
    p = np.where(_cross(Or - Po, palatal) < 0, -p, p)
    facial = P['pogonion'] - N
    q = _angle(facial, B - A)
    q = np.where(_cross(facial, B - A) > 0, -q, q)
    lower, upper = P['lower_incisal_incision'], P['upper_incisal_incision']
    mw = np.linalg.norm(upper - lower, axis=-1)
    values = dict(
        SNA=_angle(S - N, A - N),
        SNB=_angle(S - N, B - N),
        ODI=_angle(P['gonion'] - P['menton'], A - B) + p,
        APDI=_angle(Po - Or, facial) + q + p,
        FHI=np.linalg.norm(P['gonion'] - S, axis=-1) /
        np.linalg.norm(P['menton'] - N, axis=-1),
        FMA=_angle(N - S, P['gnathion'] - P['gonion']),
        MW=np.where(upper[:, 0] < lower[:, 0], -mw, mw))
    values['ANB'] = values['SNA'] - values['SNB']
    values = {m: values[m] for m in MEASUREMENTS}
    return {m: float(v[0]) for m, v in values.items()} if single else values


def classify(values: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
    """The challenge's class (1 = normal) of each measurement.

    A value on a boundary belongs to class 1. MW has a fourth class: 2 is an
    edge-to-edge bite (exactly 0 mm), 3 below 2 mm otherwise, 4 above 4.5.

    Args:
        values (dict): as :func:`measure` returns, or some of its entries.

    Returns:
        dict: each measurement given to int classes, shaped as its values.
    """
    classes = {}
    for m in (m for m in MEASUREMENTS if m in values):
        v = np.asarray(values[m], dtype=np.float64)
        low, high, above, below = RANGES[m]
        c = np.where(v > high, above, np.where(v < low, below, 1))
        if m == 'MW':
            c = np.where(v == 0, 2, c)
        classes[m] = c.astype(int) if c.ndim else int(c)
    return classes
