"""The measurement table of a reviewed image: the cephalometric values of
its current landmarks, recomputed with :mod:`hyatt_mmpose.analysis` (the
page has no copy of the formulas), with normal ranges and classes, and the
prediction's conformal interval and class set only for values that still
rest on the model's own landmarks."""
from typing import Dict, List, Optional, Sequence, Set

import numpy as np

from ..analysis import MEASUREMENTS, landmark_indices, measure
from ..analysis.cephalometry import RANGES
from ..apis.prediction_records import cephalometry

#: The unit of each measurement, as :func:`hyatt_mmpose.analysis.measure`
#: returns it.
UNITS = dict({m: 'deg' for m in MEASUREMENTS}, MW='mm', FHI='ratio')
# How far a landmark is moved to see which measurements use it: far enough
# to leave its whole pixel, which the measurements round to.
_PROBE_PX = np.array([53.0, 31.0])


def measurements_using(points: np.ndarray, pixel_spacing: Sequence[float],
                       names: Sequence[str],
                       landmarks: Sequence[int]) -> Set[str]:
    """The measurements whose value depends on any of some landmarks.

    Found by moving each landmark and measuring again, so that the formulas
    stay in :func:`hyatt_mmpose.analysis.measure` alone.

    Args:
        points (np.ndarray): ``(K, 2)`` landmarks in pixels.
        pixel_spacing (Sequence[float]): ``[x, y]`` mm per pixel.
        names (Sequence[str]): The K landmark names.
        landmarks (Sequence[int]): Indices of the landmarks.

    Returns:
        set[str]: The measurements that change when one of them moves.
    """
    base = measure(points, pixel_spacing, names)
    used = set()
    for k in landmarks:
        moved = np.array(points, dtype=np.float64)
        moved[k] += _PROBE_PX
        values = measure(moved, pixel_spacing, names)
        used |= {
            m
            for m in base
            if not np.isclose(values[m], base[m], equal_nan=True)
        }
    return used


def measurement_table(names: Sequence[str], points: np.ndarray,
                      pixel_spacing: Optional[Sequence[float]],
                      flags: Sequence[List[str]], moved: Sequence[bool],
                      predicted: Optional[dict],
                      spacing_is_predicted: bool) -> Optional[dict]:
    """The measurements of an image under review.

    Args:
        names (Sequence[str]): The K landmark names.
        points (np.ndarray): ``(K, 2)`` current landmarks in pixels (NaN
            where unknown).
        pixel_spacing (Sequence[float], optional): ``[x, y]`` mm per pixel,
            None if unknown.
        flags (Sequence[list[str]]): The prediction's flags per landmark
            (a moved landmark has been placed by a person: its flags no
            longer hold).
        moved (Sequence[bool]): Whether each landmark was moved.
        predicted (dict, optional): The prediction record's
            ``cephalometry`` (its ``intervals`` are kept for values that
            rest only on unmoved landmarks).
        spacing_is_predicted (bool): Whether the spacing is still the
            prediction's (a ruler's spacing voids the intervals of lengths
            and of anisotropic angles, so none is kept then).

    Returns:
        dict | None: None for models without the cephalometric landmarks;
        else ``rows`` (per measurement ``name``, ``value``, ``unit``,
        ``normal`` ``[low, high]``, ``class``, ``interval`` ``[low,
        high]`` or None, ``classes`` (the interval's class set) or None,
        ``uses_moved`` (whether it rests on a moved landmark)) and
        ``note`` (why values are missing, or None).
    """
    try:
        landmark_indices(names)
    except ValueError:
        return None  # not a cephalometric model
    if pixel_spacing is None:
        return dict(
            rows=[],
            note='no pixel spacing: set one with the ruler to get the '
            'measurements')
    result = dict(
        names=list(names),
        landmarks_px=np.asarray(points, dtype=np.float64),
        pixel_spacing=np.asarray(pixel_spacing, dtype=np.float64),
        flags=[[] if m else list(f) for f, m in zip(flags, moved)])
    ceph = cephalometry(result)
    if isinstance(ceph, str):  # a landmark it needs is not to be trusted
        return dict(rows=[], note=ceph)
    moved_idx = [k for k, m in enumerate(moved) if m]
    uses_moved = measurements_using(result['landmarks_px'], pixel_spacing,
                                    names, moved_idx)
    intervals: Dict[str, dict] = (predicted or {}).get('intervals') or {}
    rows = []
    for m in MEASUREMENTS:
        low, high = RANGES[m][:2]
        kept = intervals.get(m) if spacing_is_predicted \
            and m not in uses_moved else None
        rows.append(
            dict(
                name=m,
                value=ceph['values'][m],
                unit=UNITS[m],
                normal=[low, high],
                **{'class': ceph['classes'][m]},
                interval=None if kept is None else [kept['low'], kept['high']],
                classes=None if kept is None else kept['classes'],
                uses_moved=m in uses_moved))
    return dict(rows=rows, note=ceph.get('note'))
