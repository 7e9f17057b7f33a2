"""Conformal intervals on the cephalometric measurements, and the class
sets they reach."""
from typing import Dict, List, Tuple

import numpy as np

from ..analysis.cephalometry import RANGES


def measurement_interval(value: float, margin: float) -> Tuple[float, float]:
    """The conformal interval of a measurement.

    Args:
        value (float): The predicted value.
        margin (float): The conformal threshold of the measurement's
            absolute errors (``inf`` allowed).

    Returns:
        tuple[float, float]: ``(value - margin, value + margin)``.
    """
    return value - margin, value + margin


def class_set(measurement: str, low: float, high: float) -> List[int]:
    """The challenge classes of the values in ``[low, high]``.

    A value on a class boundary is class 1 (as in
    :func:`hyatt_mmpose.analysis.classify`); for MW, exactly 0 mm is class 2
    (edge to edge) and other values below the normal range class 3.

    Args:
        measurement (str): One of the eight measurements.
        low (float): Interval start (may be ``-inf``).
        high (float): Interval end (may be ``inf``).

    Returns:
        list[int]: The classes reached, ascending: one class where the
        interval lies inside one, several where it crosses a boundary.

    Raises:
        ValueError: If ``low > high``.
    """
    if not low <= high:
        raise ValueError(f'{measurement}: interval [{low}, {high}] is empty')
    normal_low, normal_high, above, below = RANGES[measurement]
    reached = set()
    if low <= normal_high and high >= normal_low:
        reached.add(1)
    if high > normal_high:
        reached.add(above)
    if low < normal_low:
        if measurement != 'MW' or not low == high == 0:
            reached.add(below)
    if measurement == 'MW' and low <= 0 <= high:
        reached.add(2)
    return sorted(reached)


def measurement_sets(values: Dict[str, float],
                     margins: Dict[str, float]) -> Dict[str, dict]:
    """Interval and class set of each measurement that has a margin.

    Args:
        values (dict): Measurement name to its predicted value (as
            :func:`hyatt_mmpose.analysis.measure` gives for one image).
        margins (dict): Measurement name to its conformal margin.

    Returns:
        dict: name to ``dict(value, low, high, classes)``; an infinite
        bound (too few calibration images) is None, so that the result
        stays valid JSON.
    """
    out = {}
    for m, margin in margins.items():
        low, high = measurement_interval(float(values[m]), margin)
        out[m] = dict(
            value=float(values[m]),
            low=float(low) if np.isfinite(low) else None,
            high=float(high) if np.isfinite(high) else None,
            classes=class_set(m, low, high))
    return out
