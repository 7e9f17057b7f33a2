"""Split conformal prediction: the rank rule and its thresholds.

For ``n`` exchangeable calibration scores and a new one, the new score is at
most the ``k``-th smallest calibration score with probability at least
``coverage`` when ``k = ceil((n + 1) * coverage)`` (Vovk et al., 2005;
Angelopoulos & Bates, "A gentle introduction to conformal prediction",
2021, section 1). When ``k > n`` no finite threshold has that guarantee.
"""
import math
from fractions import Fraction
from typing import Optional

import numpy as np


def _exact(coverage: float) -> Fraction:
    """``coverage`` as the decimal the user wrote (0.95 is 19/20, not the
    binary float just below it), checked to lie in (0, 1)."""
    exact = Fraction(str(coverage))
    if not 0 < exact < 1:
        raise ValueError(f'coverage must lie between 0 and 1 (e.g. 0.95), '
                         f'got {coverage}')
    return exact


def conformal_rank(n: int, coverage: float) -> Optional[int]:
    """The rank ``k = ceil((n + 1) * coverage)`` of the threshold among
    ``n`` calibration scores, in integers.

    Args:
        n (int): Number of calibration scores.
        coverage (float): Nominal coverage, e.g. ``0.95``.

    Returns:
        int | None: ``k`` (1-based), or None when ``k > n`` (the threshold
        is infinite).

    Raises:
        ValueError: If ``coverage`` is not in (0, 1) or ``n < 0``.
    """
    if n < 0:
        raise ValueError(f'n must be 0 or more, got {n}')
    k = math.ceil((n + 1) * _exact(coverage))
    return k if k <= n else None


def min_calibration_size(coverage: float) -> int:
    """The fewest calibration scores that give a finite threshold:
    the smallest ``n`` with ``ceil((n + 1) * coverage) <= n``, i.e.
    ``ceil(coverage / (1 - coverage))`` (19 at 95 %, 9 at 90 %)."""
    exact = _exact(coverage)
    return math.ceil(exact / (1 - exact))


def conformal_threshold(scores: np.ndarray, coverage: float) -> np.ndarray:
    """Each column's ``k``-th smallest score (NaN ignored).

    Args:
        scores (np.ndarray): ``(n, K)`` calibration scores, one column per
            landmark (or measurement); NaN where not annotated.
        coverage (float): Nominal coverage.

    Returns:
        np.ndarray: ``(K,)`` thresholds, ``inf`` where a column has fewer
        than :func:`min_calibration_size` scores.
    """
    scores = np.asarray(scores, dtype=np.float64)
    thresholds = np.full(scores.shape[1], np.inf)
    for j in range(scores.shape[1]):
        column = np.sort(scores[:, j][~np.isnan(scores[:, j])])
        k = conformal_rank(len(column), coverage)
        if k is not None:
            thresholds[j] = column[k - 1]
    return thresholds
