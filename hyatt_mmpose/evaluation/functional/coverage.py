"""Empirical coverage of conformal radii, intervals and class sets."""
from typing import Dict, Sequence

import numpy as np

from ...analysis.cephalometry import classify
from ...calibration import class_set, measurement_interval


def radius_coverage(errors_mm: np.ndarray, radii_mm: np.ndarray,
                    names: Sequence[str]) -> Dict[str, float]:
    """How often the true point lies within the radius, and how large the
    radii are.

    Args:
        errors_mm (np.ndarray): ``(n, K)`` radial errors (NaN: not
            annotated, left out).
        radii_mm (np.ndarray): ``(n, K)`` radii (``inf`` allowed).
        names (Sequence[str]): The K landmark names.

    Returns:
        dict: ``coverage`` and ``coverage_<name>`` in %, ``radius_median_mm``,
        ``radius_mean_mm``, ``area_median_mm2`` and ``area_mean_mm2`` (of the
        disc, pi r^2) over all annotated landmarks.
    """
    errors = np.asarray(errors_mm, dtype=np.float64)
    radii = np.asarray(radii_mm, dtype=np.float64)
    annotated = ~np.isnan(errors)
    covered = (errors <= radii) & annotated
    out = dict(coverage=100 * covered.sum() / annotated.sum())
    for k, name in enumerate(names):
        out[f'coverage_{name}'] = \
            100 * covered[:, k].sum() / max(annotated[:, k].sum(), 1)
    radius = radii[annotated]
    area = np.pi * radius**2
    out.update(
        radius_median_mm=float(np.median(radius)),
        radius_mean_mm=float(np.mean(radius)),
        area_median_mm2=float(np.median(area)),
        area_mean_mm2=float(np.mean(area)))
    return {k: float(v) for k, v in out.items()}


def measurement_coverage(pred_values: Dict[str, np.ndarray],
                         true_values: Dict[str, np.ndarray],
                         margins: Dict[str, float]) -> Dict[str, float]:
    """Coverage of the measurement intervals and of their class sets.

    Args:
        pred_values (dict): Measurement to ``(n,)`` predicted values.
        true_values (dict): Measurement to ``(n,)`` ground-truth values.
        margins (dict): Measurement to its conformal margin.

    Returns:
        dict: per measurement ``interval_coverage_<m>``,
        ``set_coverage_<m>`` (in %) and ``set_size_<m>`` (mean classes per
        set), and their means over the measurements without a suffix.
    """
    out = {}
    true_classes = classify(true_values)
    for m, margin in margins.items():
        inside, hits, sizes = [], [], []
        for value, truth, cls in zip(pred_values[m], true_values[m],
                                     true_classes[m]):
            low, high = measurement_interval(float(value), margin)
            classes = class_set(m, low, high)
            inside.append(low <= truth <= high)
            hits.append(int(cls) in classes)
            sizes.append(len(classes))
        out[f'interval_coverage_{m}'] = 100 * float(np.mean(inside))
        out[f'set_coverage_{m}'] = 100 * float(np.mean(hits))
        out[f'set_size_{m}'] = float(np.mean(sizes))
    for key in ('interval_coverage', 'set_coverage', 'set_size'):
        out[key] = float(np.mean([out[f'{key}_{m}'] for m in margins]))
    return out


def reliability_curve(calibration, errors_mm: np.ndarray,
                      spreads_mm: np.ndarray,
                      levels: Sequence[float]) -> np.ndarray:
    """Empirical coverage at each nominal level, re-thresholding the same
    calibration scores.

    Args:
        calibration (LandmarkCalibration): The calibration.
        errors_mm (np.ndarray): ``(n, K)`` errors on held-out images.
        spreads_mm (np.ndarray): ``(n, K)`` their heatmap spreads.
        levels (Sequence[float]): Nominal coverages in (0, 1).

    Returns:
        np.ndarray: Empirical coverage at each level, in (0, 1).
    """
    annotated = ~np.isnan(errors_mm)
    return np.array([
        ((errors_mm <= calibration.at_coverage(level).radii_mm(spreads_mm))
         & annotated).sum() / annotated.sum() for level in levels
    ])
