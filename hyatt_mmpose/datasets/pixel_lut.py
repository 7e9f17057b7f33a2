"""Pixels to the model's BGR uint8 image a band of rows at a time.

A whole-image float64 copy of an 8000 x 8000 radiograph is 512 MB; mapping
rows in bands keeps what a read needs near the input and output images
themselves. Integer pixels of 8 or 16 bits go through a lookup table over
every value their type can hold, computed once (65536 entries at most).
"""
from typing import Callable

import numpy as np

# Pixels per band of rows: a band's temporaries (a float64 copy, the
# indices numpy makes for a lookup) stay about 2 MB.
BAND_PIXELS = 1 << 18


def to_uint8(pixels: np.ndarray, low: float, high: float) -> np.ndarray:
    """Linear window ``[low, high]`` to 0..255, rounded."""
    scale = 255.0 / max(high - low, 1e-6)
    scaled = (pixels.astype(np.float64) - low) * scale
    return np.clip(np.round(scaled), 0, 255).astype(np.uint8)


def fits_lut(dtype: np.dtype) -> bool:
    """Whether every value of ``dtype`` fits a lookup table: 8 or 16-bit
    integers."""
    return dtype.kind in 'ui' and dtype.itemsize <= 2


def lut_values(dtype: np.dtype) -> np.ndarray:
    """Every value of an 8 or 16-bit integer ``dtype``, indexed by its bits
    read as unsigned (so -1 of int16 is entry 65535)."""
    unsigned = np.dtype(f'u{dtype.itemsize}')
    return np.arange(1 << (8 * dtype.itemsize), dtype=unsigned).view(dtype)


def lut_index(pixels: np.ndarray) -> np.ndarray:
    """``pixels`` (8 or 16-bit integers) as indices into a table of
    :func:`lut_values`, without a copy."""
    return pixels.view(np.dtype(f'u{pixels.dtype.itemsize}'))


def value_counts(pixels: np.ndarray) -> np.ndarray:
    """How many pixels hold each of :func:`lut_values`, counted a band at a
    time (``np.bincount`` copies its input as int64)."""
    index = lut_index(pixels).reshape(len(pixels), -1)
    counts = np.zeros(1 << (8 * pixels.dtype.itemsize), np.int64)
    for band in _bands(index):
        counts += np.bincount(band.ravel(), minlength=len(counts))
    return counts


def rows_to_bgr(
        pixels: np.ndarray, band_to_uint8: Callable[[np.ndarray],
                                                    np.ndarray]) -> np.ndarray:
    """The ``(H, W, 3)`` uint8 image of ``band_to_uint8`` applied to each band
    of rows of ``pixels``; a grey result is repeated in the three channels.

    Args:
        pixels (np.ndarray): ``(H, W)`` or ``(H, W, 3)`` (in the output's
            channel order).
        band_to_uint8 (callable): Maps a band of rows to uint8 of its shape.
    """
    image = np.empty(pixels.shape[:2] + (3, ), np.uint8)
    start = 0
    for band in _bands(pixels):
        mapped = band_to_uint8(band)
        image[start:start + len(band)] = \
            mapped[..., None] if mapped.ndim == 2 else mapped
        start += len(band)
    return image


def lookup_bgr(pixels: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """:func:`rows_to_bgr` of a uint8 lookup table over :func:`lut_values`.
    """
    return rows_to_bgr(lut_index(pixels), lambda band: lut[band])


def _bands(pixels: np.ndarray):
    """Views of consecutive bands of rows of about ``BAND_PIXELS`` pixels."""
    row_pixels = max(int(np.prod(pixels.shape[1:])), 1)
    rows = max(BAND_PIXELS // row_pixels, 1)
    for start in range(0, len(pixels), rows):
        yield pixels[start:start + rows]
