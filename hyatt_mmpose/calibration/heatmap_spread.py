"""How widely a heatmap spreads around its peak: the per-prediction scale
of the adaptive conformal score."""
from typing import Mapping, Sequence

import numpy as np


def heatmap_spread(heatmaps: np.ndarray,
                   peak_fraction: float = 0.25) -> np.ndarray:
    """Root-mean-square distance from the peak, per axis.

    The weights are the heatmap values of at least ``peak_fraction`` times
    the peak (anywhere in the map, so a second mode counts, at its distance
    from the first); the spread is measured about the peak, not the mean.
    One heatmap pixel's own uncertainty, 1/12 px² per axis (a uniform
    position within the pixel), is added so that a single-pixel peak still
    has a positive spread. A Gaussian heatmap of sigma ``s`` heatmap
    pixels gives ``s * sqrt(1 - ln(4) / 3) ~ 0.73 s`` at the default
    fraction (plus the 1/12).

    Args:
        heatmaps (np.ndarray): ``(K, H, W)`` heatmaps of one image.
        peak_fraction (float): The share of the peak value below which a
            pixel does not count, in (0, 1].

    Returns:
        np.ndarray: ``(K, 2)`` spread along x and y, in heatmap pixels. A
        map with no positive value gets ``inf``.

    Raises:
        ValueError: If ``heatmaps`` is not 3-D or ``peak_fraction`` is
            outside (0, 1].
    """
    maps = np.asarray(heatmaps, dtype=np.float64)
    if maps.ndim != 3:
        raise ValueError(f'heatmaps must be (K, H, W), got {maps.shape}')
    if not 0 < peak_fraction <= 1:
        raise ValueError(f'peak_fraction must lie in (0, 1], got '
                         f'{peak_fraction}')
    num, h, w = maps.shape
    flat = maps.reshape(num, -1)
    peak_index = flat.argmax(axis=1)
    peak = flat[np.arange(num), peak_index]
    py, px = np.divmod(peak_index, w)
    ys, xs = np.mgrid[0:h, 0:w]
    spread = np.full((num, 2), np.inf)
    for k in np.flatnonzero(peak > 0):
        weights = np.where(maps[k] >= peak_fraction * peak[k], maps[k], 0.)
        total = weights.sum()
        spread[k, 0] = (weights * (xs - px[k])**2).sum() / total
        spread[k, 1] = (weights * (ys - py[k])**2).sum() / total
    return np.sqrt(spread + 1 / 12)


def spread_mm(heatmaps: np.ndarray,
              region: Sequence[float],
              pixel_spacing: Sequence[float],
              peak_fraction: float = 0.25) -> np.ndarray:
    """The heatmap spread of each landmark as one length in mm.

    Heatmap pixels become image pixels by the region the heatmaps span
    (``region`` over the heatmap size along each axis), then mm by the
    pixel spacing; the two axes combine as ``sqrt((s_x**2 + s_y**2) / 2)``,
    the spread of an isotropic distribution with the same mean squared
    distance.

    Args:
        heatmaps (np.ndarray): ``(K, H, W)`` heatmaps (one image).
        region (Sequence[float]): ``(w, h)`` in image pixels of what the
            heatmaps span: the framed region the network saw
            (``TopdownAffine``'s ``input_scale``), or a refinement stage's
            patch (see :func:`heatmap_region`).
        pixel_spacing (Sequence[float]): ``[x, y]`` mm per pixel.
        peak_fraction (float): See :func:`heatmap_spread`.

    Returns:
        np.ndarray: ``(K,)`` spreads in mm.
    """
    k_h_w = np.asarray(heatmaps).shape
    per_pixel = np.asarray(region, np.float64) / [k_h_w[2], k_h_w[1]]
    axes = heatmap_spread(heatmaps, peak_fraction) * per_pixel * \
        np.asarray(pixel_spacing, np.float64)
    return np.sqrt((axes**2).mean(axis=1))


def heatmap_region(metainfo: Mapping) -> np.ndarray:
    """The image region ``(w, h)``, in image pixels, that a sample's
    ``pred_fields.heatmaps`` span: a refinement stage's patch
    (``heatmap_region``, :class:`.RefinedTopdownPoseEstimator`), else the
    framed region the network saw (``input_scale``).

    Args:
        metainfo (Mapping): A data sample's metainfo (or its dict).

    Returns:
        np.ndarray: ``(2, )`` width and height in image pixels.
    """
    region = metainfo.get('heatmap_region')
    return np.asarray(metainfo['input_scale'] if region is None else region,
                      np.float64)
