from typing import Dict, Optional, Sequence, Tuple

import numpy as np


def landmark_errors(pred: np.ndarray,
                    gt: np.ndarray,
                    visible: np.ndarray,
                    spacing: Optional[np.ndarray] = None) -> np.ndarray:
    """Radial error of each landmark of one image.

    Args:
        pred (np.ndarray): ``(K, 2)`` predicted pixels.
        gt (np.ndarray): ``(K, 2)`` ground-truth pixels.
        visible (np.ndarray): ``(K,)``, true where the landmark is annotated.
        spacing (np.ndarray, optional): ``[x, y]`` mm per pixel; without it
            the errors are in pixels.

    Returns:
        np.ndarray: ``(K,)`` errors, NaN where not annotated.
    """
    scale = np.ones(2) if spacing is None else np.asarray(spacing, float)
    errors = np.linalg.norm((pred - gt) * scale, axis=-1)
    return np.where(np.asarray(visible) > 0, errors, np.nan)


def reference_spacing(gt: np.ndarray,
                      visible: np.ndarray,
                      landmarks: Tuple[int, int],
                      mm: float,
                      where: str = 'image') -> np.ndarray:
    """Isotropic ``[x, y]`` spacing that makes the ground-truth distance
    between two landmarks ``mm`` long (the hand protocol: the wrist width,
    landmarks 1 and 5, is 50 mm).

    Raises:
        ValueError: a reference landmark is not annotated.
    """
    i, j = landmarks
    if not (visible[i] and visible[j]):
        raise ValueError(
            f'{where}: reference landmarks {i} and {j} must both be '
            'annotated to derive its pixel spacing')
    return np.full(2, mm / np.linalg.norm(gt[i] - gt[j]))


def mre_sdr(errors: np.ndarray,
            thresholds: Sequence[float],
            unit: str = 'mm') -> Dict[str, float]:
    """Mean radial error, its standard deviation and the successful
    detection rates (in %) of all errors that are not NaN.

    Keys: ``MRE``, ``MRE_std``, ``SDR_{t}mm`` (``_px`` suffixes and
    ``SDR_{t}px`` for pixel errors).
    """
    valid = np.asarray(errors, dtype=np.float64)
    valid = valid[~np.isnan(valid)]
    suffix = '_px' if unit == 'px' else ''
    metrics = {
        f'MRE{suffix}': float(valid.mean()),
        f'MRE_std{suffix}': float(valid.std()),
    }
    for t in thresholds:
        metrics[f'SDR_{float(t)}{unit}'] = float((valid <= t).mean() * 100)
    return metrics
