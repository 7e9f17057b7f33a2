"""Reading radiographs: PNG, JPEG, BMP, TIFF (8 or 16 bit), DICOM and arrays.

One set of rules for every way an image comes in (a file in a dataset, a
file or an array given to the predictor), so that a model sees the same
pixels in training, testing and prediction.
"""
import os.path as osp
import warnings
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import cv2
import numpy as np

from .landmark_dataset import parse_pixel_spacing


@dataclass
class RadiographImage:
    """An image ready for the model, and what the file says of its pixels.

    Attributes:
        image (np.ndarray): ``(H, W, 3)`` BGR uint8.
        pixel_spacing (np.ndarray, optional): ``[x, y]`` mm per pixel in the
            patient's plane, from the file (DICOM); None if it does not say
            or says something unusable.
        spacing_source (str, optional): The DICOM tags it came from, e.g.
            ``'PixelSpacing'`` or ``'ImagerPixelSpacing /
            EstimatedRadiographicMagnificationFactor'``.
        warnings (list[str]): What was wrong with the file's spacing tags,
            each naming the file and the tag.
    """
    image: np.ndarray
    pixel_spacing: Optional[np.ndarray] = None
    spacing_source: Optional[str] = None
    warnings: List[str] = field(default_factory=list)


def to_uint8(pixels: np.ndarray, low: float, high: float) -> np.ndarray:
    """Linear window ``[low, high]`` to 0..255."""
    scale = 255.0 / max(high - low, 1e-6)
    scaled = (pixels.astype(np.float64) - low) * scale
    return np.clip(np.round(scaled), 0, 255).astype(np.uint8)


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
        pixels = to_uint8(pixels, 0, 4095 if pixels.max() < 4096 else 65535)
    elif pixels.dtype == bool or not np.issubdtype(pixels.dtype, np.number):
        raise ValueError(f'{name}: pixels of type {pixels.dtype}; give '
                         'uint8, uint16 or another numeric type')
    elif pixels.dtype != np.uint8:
        if not np.all(np.isfinite(pixels)):
            raise ValueError(f'{name}: pixels that are not finite (NaN or '
                             'infinity)')
        pixels = to_uint8(pixels, float(pixels.min()), float(pixels.max()))
    if pixels.ndim == 2:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR)
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


def _dicom_spacing(
        ds,
        path: str) -> Tuple[Optional[np.ndarray], Optional[str], List[str]]:
    """Patient-plane ``[x, y]`` spacing, the tags it came from, warnings.

    ``PixelSpacing`` is used as given; ``ImagerPixelSpacing`` (at the
    detector) is divided by ``EstimatedRadiographicMagnificationFactor``
    when the file gives one. The first tag present decides: if it is
    unusable the file gets no spacing (never a guess, never 0 mm).
    """
    for tag in ('PixelSpacing', 'ImagerPixelSpacing'):
        if tag not in ds:
            continue
        element = ds[tag]
        values = (
            list(element.value)
            if element.VM > 1 else [element.value] if element.VM == 1 else [])
        try:
            if len(values) != 2:
                raise ValueError(f'{len(values)} value(s)')
            # DICOM gives (row, column) spacing: y first.
            spacing = parse_pixel_spacing(
                [float(values[1]), float(values[0])], tag)
        except (TypeError, ValueError):
            return None, None, [
                f'{path}: {tag} is {element.value!r}, not two positive '
                'numbers (row, column) in mm; no mm values for this file'
            ]
        source = tag
        if tag == 'ImagerPixelSpacing':
            factor = ds.get('EstimatedRadiographicMagnificationFactor')
            if factor is not None:
                try:
                    factor = float(factor)
                except (TypeError, ValueError):
                    factor = float('nan')
                if not np.isfinite(factor) or factor <= 0:
                    return None, None, [
                        f'{path}: EstimatedRadiographicMagnificationFactor '
                        f'is {ds.EstimatedRadiographicMagnificationFactor!r}'
                        ', not a positive number; no mm values for this '
                        'file'
                    ]
                spacing = spacing / factor
                source += ' / EstimatedRadiographicMagnificationFactor'
        return spacing, source, []
    return None, None, []


# Transfer syntaxes an archive may send, and what decodes them here.
PIXEL_PLUGINS = ('python-gdcm (JPEG baseline, extended 12-bit, lossless, '
                 'JPEG-LS, JPEG 2000), or pylibjpeg with pylibjpeg-openjpeg '
                 '(JPEG 2000) and pyjpegls (JPEG-LS)')


def _voi_to_uint8(pixels: np.ndarray, ds) -> np.ndarray:
    """The file's VOI transform (LUT sequence, else window with its
    function: linear, linear exact or sigmoid), by pydicom, then its output
    range to 0..255; without either, the pixels' own range."""
    from pydicom.pixels import apply_voi, apply_windowing
    if 'VOILUTSequence' in ds:
        bits = int(ds.VOILUTSequence[0].LUTDescriptor[2])
        return to_uint8(apply_voi(pixels, ds), 0, 2**bits - 1)
    if 'WindowCenter' in ds and 'WindowWidth' in ds:
        # pydicom clamps the window's output to the range of the stored (or
        # rescaled) values: two extreme inputs give its ends.
        with np.errstate(over='ignore'):
            ends = apply_windowing(np.array([-1e30, 1e30]), ds)
        return to_uint8(apply_windowing(pixels, ds), ends.min(), ends.max())
    return to_uint8(pixels, float(pixels.min()), float(pixels.max()))


JPEG_EXTENDED_12_BIT = '1.2.840.10008.1.2.4.51'


def _transfer_syntax(ds):
    """The file's transfer syntax UID, or None."""
    return getattr(ds, 'file_meta', {}).get('TransferSyntaxUID')


def _gdcm_pixels(path: str) -> np.ndarray:
    """The stored pixels of a compressed DICOM, decoded by GDCM into an
    uncompressed copy that pydicom then reads."""
    import tempfile

    import gdcm
    import pydicom
    reader = gdcm.ImageReader()
    reader.SetFileName(path)
    change = gdcm.ImageChangeTransferSyntax()
    change.SetTransferSyntax(
        gdcm.TransferSyntax(gdcm.TransferSyntax.ExplicitVRLittleEndian))
    if not reader.Read():
        raise ValueError('GDCM cannot read it')
    change.SetInput(reader.GetImage())
    if not change.Change():
        raise ValueError('GDCM cannot decode it')
    with tempfile.TemporaryDirectory() as tmp:
        writer = gdcm.ImageWriter()
        writer.SetFileName(osp.join(tmp, 'raw.dcm'))
        writer.SetFile(reader.GetFile())
        writer.SetImage(change.GetOutput())
        if not writer.Write():
            raise ValueError('GDCM cannot decode it')
        return pydicom.dcmread(osp.join(tmp, 'raw.dcm')).pixel_array


def _read_dicom(path: str) -> RadiographImage:
    import pydicom
    from pydicom.pixels import apply_modality_lut
    try:
        ds = pydicom.dcmread(path)
    except Exception as err:
        raise ValueError(f'{path}: a DICOM that cannot be read ({err})') \
            from err
    frames = int(getattr(ds, 'NumberOfFrames', 1) or 1)
    if frames > 1:
        raise ValueError(f'{path}: a multi-frame DICOM ({frames} frames); '
                         'give one frame per file')
    try:
        try:
            stored = ds.pixel_array
        except Exception:
            # pydicom hands 12-bit JPEG Extended to no licence-compatible
            # plugin; GDCM itself decodes it. Only that syntax: GDCM's own
            # reader aborts the process on some corrupt streams.
            if _transfer_syntax(ds) != JPEG_EXTENDED_12_BIT:
                raise
            stored = _gdcm_pixels(path)
    except Exception as err:
        syntax = _transfer_syntax(ds)
        name = getattr(syntax, 'name', syntax)
        hint = f'; to decode {name}, install {PIXEL_PLUGINS}' \
            if syntax is not None and syntax.is_compressed else ''
        raise ValueError(f'{path}: DICOM pixel data that cannot be decoded '
                         f'(transfer syntax {name}: {err}){hint}') from err
    try:
        pixels = apply_modality_lut(stored, ds).astype(np.float64)
        if pixels.ndim != 2:
            raise ValueError(f'pixels of shape {pixels.shape}; only '
                             'single-frame monochrome images are supported')
        image = _voi_to_uint8(pixels, ds)
    except Exception as err:
        raise ValueError(f'{path}: a DICOM that cannot be displayed ({err})')\
            from err
    if ds.get('PhotometricInterpretation') == 'MONOCHROME1':
        image = 255 - image  # MONOCHROME1: low values are bright
    spacing, source, problems = _dicom_spacing(ds, path)
    for problem in problems:
        warnings.warn(problem)
    return RadiographImage(
        cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), spacing, source, problems)


def read_radiograph(path: str) -> RadiographImage:
    """Reads an image file, with a clear error for anything unusable.

    Pixels follow :func:`as_bgr_uint8`. DICOM goes through pydicom's
    modality LUT and VOI transform (its VOI LUT sequence, else its window
    and VOI LUT function, else its range), MONOCHROME1 inverted, compressed
    transfer syntaxes decoded by the pixel-data plugins
    (``PIXEL_PLUGINS``), and its spacing checked and returned
    (see ``RadiographImage``); a DICOM is recognised by its preamble, with or
    without the ``.dcm`` extension.

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
        return _read_dicom(path)
    pixels = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if pixels is None:
        raise ValueError(f'{path}: not a readable image (corrupt, or a '
                         'format other than PNG, JPEG, BMP, TIFF or DICOM)')
    return RadiographImage(as_bgr_uint8(pixels, path))
