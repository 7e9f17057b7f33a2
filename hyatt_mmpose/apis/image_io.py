"""Reading radiographs: PNG, JPEG, BMP, TIFF (8 or 16 bit) and DICOM."""
import os.path as osp
from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np


@dataclass
class RadiographImage:
    """An image ready for the model, and what the file says of its pixels.

    Attributes:
        image (np.ndarray): ``(H, W, 3)`` BGR uint8.
        pixel_spacing (np.ndarray, optional): ``[x, y]`` mm per pixel, from
            the file (DICOM); None if it does not say.
        spacing_source (str, optional): The DICOM tag it came from
            (``'PixelSpacing'`` or ``'ImagerPixelSpacing'``).
    """
    image: np.ndarray
    pixel_spacing: Optional[np.ndarray] = None
    spacing_source: Optional[str] = None


def to_uint8(pixels: np.ndarray, low: float, high: float) -> np.ndarray:
    """Linear window ``[low, high]`` to 0..255."""
    scale = 255.0 / max(high - low, 1e-6)
    scaled = (pixels.astype(np.float64) - low) * scale
    return np.clip(np.round(scaled), 0, 255).astype(np.uint8)


def is_dicom(path: str) -> bool:
    with open(path, 'rb') as f:
        f.seek(128)
        return f.read(4) == b'DICM' or path.lower().endswith('.dcm')


def _read_dicom(path: str) -> RadiographImage:
    import pydicom
    from pydicom.pixels import apply_modality_lut
    try:
        ds = pydicom.dcmread(path)
        frames = int(getattr(ds, 'NumberOfFrames', 1) or 1)
        if frames > 1:
            raise ValueError(f'{path}: a multi-frame DICOM ({frames} '
                             'frames); give one frame per file')
        pixels = apply_modality_lut(ds.pixel_array, ds).astype(np.float64)
    except ValueError:
        raise
    except Exception as err:
        raise ValueError(f'{path}: a DICOM that cannot be read ({err})') \
            from None
    if pixels.ndim != 2:
        raise ValueError(f'{path}: DICOM pixels of shape {pixels.shape}; '
                         'only single-frame monochrome images are supported')
    center, width = ds.get('WindowCenter'), ds.get('WindowWidth')
    if center is not None and width is not None:
        # Multi-valued windows: the first is the default one.
        center = float(center[0] if ds['WindowCenter'].VM > 1 else center)
        width = float(width[0] if ds['WindowWidth'].VM > 1 else width)
        low, high = center - width / 2, center + width / 2
    else:
        low, high = float(pixels.min()), float(pixels.max())
    image = to_uint8(pixels, low, high)
    if ds.get('PhotometricInterpretation') == 'MONOCHROME1':
        image = 255 - image  # MONOCHROME1: low values are bright
    spacing = source = None
    for tag in ('PixelSpacing', 'ImagerPixelSpacing'):
        if ds.get(tag) is not None:
            row, col = (float(v) for v in ds.get(tag))
            spacing, source = np.array([col, row]), tag
            break
    return RadiographImage(
        cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), spacing, source)


def read_radiograph(path: str) -> RadiographImage:
    """Reads an image file, with a clear error for anything unusable.

    16-bit PNG and TIFF map their range (0..65535, or 0..4095 for 12-bit
    data) to 8 bit, other depths their min..max. DICOM is windowed (its
    window, else its range), MONOCHROME1 inverted, and its ``PixelSpacing``
    (else ``ImagerPixelSpacing``) returned.

    Raises:
        FileNotFoundError: no such file.
        ValueError: empty, corrupt, unsupported or multi-frame; the message
            names the file.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: no such file')
    if osp.getsize(path) == 0:
        raise ValueError(f'{path}: the file is empty')
    if is_dicom(path):
        return _read_dicom(path)
    pixels = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if pixels is None:
        raise ValueError(f'{path}: not a readable image (corrupt, or a '
                         'format other than PNG, JPEG, BMP, TIFF or DICOM)')
    if pixels.ndim == 3 and pixels.shape[2] == 4:
        pixels = pixels[..., :3]
    if pixels.dtype == np.uint16:
        # The format's range, so that v * 257 reads as v; 12-bit data
        # stored in 16 bits (as radiographs often are) from 0..4095.
        pixels = to_uint8(pixels, 0, 4095 if pixels.max() < 4096 else 65535)
    elif pixels.dtype != np.uint8:
        pixels = to_uint8(pixels, float(pixels.min()), float(pixels.max()))
    if pixels.ndim == 2:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR)
    return RadiographImage(pixels)
