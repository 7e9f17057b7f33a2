"""Reading radiographs: PNG, JPEG, BMP, TIFF (8 or 16 bit), DICOM and arrays.

One set of rules for every way an image comes in (a file in a dataset, a
file or an array given to the predictor), so that a model sees the same
pixels in training, testing and prediction. DICOM is read by
:mod:`.dicom_io`, which lists what it does with each attribute. Pixels are
mapped a band of rows at a time (:mod:`.pixel_lut`): a read needs little
more memory than the file's image and the ``(H, W, 3)`` result.
"""
import os.path as osp

import cv2
import numpy as np

from .dicom_io import PIXEL_PLUGINS, read_dicom
from .pixel_lut import lookup_bgr, lut_values, rows_to_bgr, to_uint8
from .radiograph_image import RadiographImage

__all__ = [
    'PIXEL_PLUGINS', 'RadiographImage', 'as_bgr_uint8', 'is_dicom',
    'read_radiograph'
]


def as_bgr_uint8(pixels: np.ndarray, name: str) -> np.ndarray:
    """The model's ``(H, W, 3)`` BGR uint8 image from decoded pixels.

    The rules, the same for files and arrays: uint8 is kept; uint16 maps
    0..4095 (12-bit data stored in 16 bits, as radiographs often are, when
    no value exceeds 4095) or else 0..65535 to 0..255; other numeric types
    map their min..max. Grey images become three equal channels; a fourth
    (alpha) channel is dropped.

    Args:
        pixels (np.ndarray): ``(H, W)``, ``(H, W, 1)``, ``(H, W, 3)`` (BGR)
            or ``(H, W, 4)``.
        name (str): The file (or ``'array'``) for error messages.

    Raises:
        ValueError: another shape, an empty or non-numeric array, or
            values that are not finite.
    """
    pixels = np.asarray(pixels)
    if pixels.ndim == 3 and pixels.shape[2] in (1, 4):
        pixels = pixels[..., 0] if pixels.shape[2] == 1 else pixels[..., :3]
    if pixels.ndim not in (2, 3) or (pixels.ndim == 3
                                     and pixels.shape[2] != 3) \
            or pixels.size == 0:
        raise ValueError(f'{name}: pixels of shape {pixels.shape}; give '
                         '(H, W) grey or (H, W, 3) BGR')
    if pixels.dtype == np.uint16:
        top = 4095 if pixels.max() < 4096 else 65535
        return lookup_bgr(pixels, to_uint8(lut_values(pixels.dtype), 0, top))
    if pixels.dtype == bool or not np.issubdtype(pixels.dtype, np.number):
        raise ValueError(f'{name}: pixels of type {pixels.dtype}; give '
                         'uint8, uint16 or another numeric type')
    if pixels.dtype != np.uint8:
        # min and max are NaN or infinite when any value is
        low, high = float(pixels.min()), float(pixels.max())
        if not (np.isfinite(low) and np.isfinite(high)):
            raise ValueError(f'{name}: pixels that are not finite (NaN or '
                             'infinity)')
        return rows_to_bgr(pixels, lambda band: to_uint8(band, low, high))
    if pixels.ndim == 2:
        return cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR)
    return np.ascontiguousarray(pixels)


def is_dicom(path: str) -> bool:
    """A DICOM file, by its ``DICM`` preamble (any extension) or ``.dcm``."""
    if path.lower().endswith('.dcm'):
        return True
    try:
        with open(path, 'rb') as f:
            f.seek(128)
            return f.read(4) == b'DICM'
    except OSError:  # unreadable: not taken for an image, listed as such
        return False


def read_radiograph(path: str) -> RadiographImage:
    """Reads an image file, with a clear error for anything unusable.

    Pixels follow :func:`as_bgr_uint8`. DICOM (recognised by its preamble,
    with or without the ``.dcm`` extension) goes through its modality LUT,
    VOI transform (its VOI LUT sequence, else its window and VOI LUT
    function, else its range without padding) and presentation LUT
    (MONOCHROME1 inverted), compressed transfer syntaxes decoded by the
    pixel-data plugins (``PIXEL_PLUGINS``), and its spacing checked and
    returned (see ``RadiographImage`` and :mod:`.dicom_io`).

    Raises:
        FileNotFoundError: no such file.
        ValueError: empty, corrupt, unsupported or multi-frame; the message
            starts with the file.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: no such file')
    if osp.getsize(path) == 0:
        raise ValueError(f'{path}: the file is empty')
    if is_dicom(path):
        return read_dicom(path)
    pixels = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if pixels is None:
        raise ValueError(f'{path}: not a readable image (corrupt, or a '
                         'format other than PNG, JPEG, BMP, TIFF or DICOM)')
    return RadiographImage(as_bgr_uint8(pixels, path))
