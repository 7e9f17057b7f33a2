"""DICOM radiographs: the pixels the file means, and its spacing.

What the reader does with each attribute that changes what a stored value
means (PS3.3 C.7.6.3 Image Pixel, C.7.5.1 General Equipment, C.11.1
Modality LUT, C.11.2 VOI LUT, C.11.6 Presentation LUT), in the order the
standard applies them; the functions named are pydicom's.

==============================  ==============================================
Attribute                       What the reader does
==============================  ==============================================
NumberOfFrames                  above 1: refused (one frame a file)
BitsAllocated                   1, 8 or 16 (all a radiograph may use);
                                other values refused
BitsStored                      bits above it ignored, signed values
                                sign-extended from it (pydicom's decoders)
HighBit                         must be BitsStored - 1, as the standard
                                requires; otherwise refused
PixelRepresentation             1: two's complement values
SamplesPerPixel,                MONOCHROME1/2: grey, as below; RGB,
PhotometricInterpretation       YBR_FULL(_422) (to RGB by the decoder),
                                YBR_ICT/RCT (RGB from JPEG 2000): colour,
                                0..2**BitsStored-1 to 0..255; PALETTE COLOR:
                                ``apply_color_lut``; retired values refused
PlanarConfiguration             by the decoder (either layout)
PixelPaddingValue,              values from one to the other (or the one)
PixelPaddingRangeLimit          are padding: left out of the range the image
                                is scaled by, and shown black
RescaleSlope/Intercept,         ``apply_modality_lut``
ModalityLUTSequence
VOILUTSequence                  its first LUT (``apply_voi``); the LUT's
                                output range to 0..255
WindowCenter/WindowWidth,       first values (the standard's default), by
VOILUTFunction                  ``apply_windowing`` (LINEAR, LINEAR_EXACT,
                                SIGMOID); its output range to 0..255
(no VOI LUT nor window)         the range of the modality values (padding
                                left out) to 0..255
PresentationLUTShape            INVERSE: inverted; IDENTITY: not; absent:
                                MONOCHROME1 inverted (the shape, when
                                present, says what MONOCHROME1 means)
PresentationLUTSequence         ``apply_presentation_lut`` on the 256 levels
PixelAspectRatio                image read as stored (never resampled); a
                                warning when pixels are not square and no
                                spacing tag gives their size
(the spacing tags)              PixelSpacing, ImagerPixelSpacing,
                                EstimatedRadiographicMagnificationFactor:
                                the spacing (``dicom_spacing``)
(not used)                      PixelIntensityRelationship(Sign),
                                ICCProfile: the grey pipeline above decides
                                what is bright
==============================  ==============================================

Compressed pixel data goes to each of pydicom's installed plugins for its
transfer syntax in turn; 12-bit JPEG Extended, which pydicom gives to no
licence-compatible plugin, to GDCM's own reader. What those C libraries
write on the process's stderr is kept from it: a decoder that fails may
print before another succeeds. It is quoted in the error when none
succeeds, and libjpeg's words for lost data make a read that "succeeded"
an error.
"""
import contextlib
import importlib.util
import os
import os.path as osp
import re
import sys
import tempfile
import warnings
from typing import List, Optional, Tuple

import numpy as np

from .landmark_dataset import parse_pixel_spacing
from .pixel_lut import (fits_lut, lookup_bgr, lut_index, lut_values,
                        rows_to_bgr, to_uint8, value_counts)
from .radiograph_image import RadiographImage

# Transfer syntaxes an archive may send, and what decodes them here.
PIXEL_PLUGINS = ('python-gdcm (JPEG baseline, extended 12-bit, lossless, '
                 'JPEG-LS, JPEG 2000), or pylibjpeg with pylibjpeg-openjpeg '
                 '(JPEG 2000) and pyjpegls (JPEG-LS)')

JPEG_EXTENDED_12_BIT = '1.2.840.10008.1.2.4.51'

# libjpeg's warnings (jerror.h) that part of the image was not in the stream;
# the decoder then fills it in and reports success.
LOST_DATA = ('premature end of jpeg file', 'premature end of data segment',
             'bad huffman code', 'bad arithmetic code')


def dicom_spacing(
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


def _aspect_warnings(ds, path: str) -> List[str]:
    """A warning when ``PixelAspectRatio`` says the pixels are not square
    (the caller asks only when no spacing tag gives their size)."""
    if 'PixelAspectRatio' not in ds:
        return []
    ratio = ds.PixelAspectRatio
    try:
        rows, columns = (int(value) for value in ratio)
        if rows <= 0 or columns <= 0:
            raise ValueError(ratio)
    except (TypeError, ValueError):
        return [
            f'{path}: PixelAspectRatio is {ratio!r}, not two positive '
            'integers (row, column); pixels taken as square'
        ]
    if rows == columns:
        return []
    return [
        f'{path}: PixelAspectRatio is {rows}:{columns} (row:column) and no '
        'spacing tag gives the pixel size: the image is read as stored, '
        'not resampled, so it looks stretched and a distance in px differs '
        'along rows and columns; give PixelSpacing for mm values'
    ]


def _check_layout(ds, path: str) -> None:
    """Refuses, before decoding, what the reader does not take."""
    frames = int(ds.get('NumberOfFrames', 1) or 1)
    if frames > 1:
        raise ValueError(
            f'{path}: a multi-frame DICOM (NumberOfFrames is {frames}); '
            'give one frame a file (e.g. save the frame to use on its own)')
    if 'PixelData' not in ds:
        raise ValueError(f'{path}: a DICOM without PixelData (float pixel '
                         'data or no image); give a radiograph')
    allocated = int(ds.get('BitsAllocated', 0))
    if allocated not in (1, 8, 16):
        raise ValueError(f'{path}: BitsAllocated is {allocated}; a '
                         'radiograph stores 8 or 16 bits a sample: convert '
                         'it to 16 bits')
    if 'BitsStored' not in ds:
        raise ValueError(f'{path}: no BitsStored (a type 1 attribute of the '
                         'Image Pixel module, which says which bits hold the '
                         'value); rewrite the file with it')
    stored = int(ds.BitsStored)
    if 'HighBit' in ds and int(ds.HighBit) != stored - 1:
        raise ValueError(
            f'{path}: HighBit is {ds.HighBit} with BitsStored {stored}; the '
            'standard requires HighBit = BitsStored - 1 (values in the low '
            'bits): rewrite the file that way')


@contextlib.contextmanager
def _stderr_kept():
    """Keeps what is written on file descriptor 2 (by C libraries too) from
    the terminal; the list it yields holds that text on exit. Other threads'
    stderr output meanwhile is kept too."""
    said: List[str] = []
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as kept:
        os.dup2(kept.fileno(), 2)
        try:
            yield said
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            kept.seek(0)
            said.append(kept.read().decode(errors='replace').strip())


def _transfer_syntax(ds):
    """The file's transfer syntax UID, or None."""
    return getattr(ds, 'file_meta', {}).get('TransferSyntaxUID')


def _one_line(text: str) -> str:
    """Several lines of a decoder's words as one."""
    return ' / '.join(line.strip() for line in text.splitlines()
                      if line.strip())


def _refuse_lost_data(said: str, path: str, name: str) -> None:
    """Raises if a decoder that returned pixels said it filled some in."""
    if any(words in said.lower() for words in LOST_DATA):
        raise ValueError(f'{path}: corrupt DICOM pixel data: its {name} '
                         f'stream lacks part of the image ({_one_line(said)})')


def _check_jpeg_header(ds, path: str, name: str) -> None:
    """Refuses a JPEG stream without a usable frame header (GDCM aborts the
    process, no exception, on one without a precision it has a codec for),
    or with more bits a sample than ``BitsStored`` allows."""
    from pydicom.encaps import get_frame
    # pydicom's own JPEG header parser (pydicom is pinned)
    from pydicom.pixels.utils import _get_jpg_parameters
    try:
        frame = get_frame(ds.PixelData, 0, number_of_frames=1)
        precision = _get_jpg_parameters(frame).get('precision')
    except Exception:  # a broken encapsulation
        precision = None
    if precision not in (8, 12, 16):
        raise ValueError(f'{path}: corrupt DICOM pixel data: its {name} '
                         'stream has no JPEG frame header with 8, 12 or 16 '
                         'bits a sample')
    if precision > 8 >= int(ds.BitsStored):
        raise ValueError(f'{path}: its {name} stream holds {precision}-bit '
                         f'samples but BitsStored is {ds.BitsStored}: correct '
                         'BitsStored (and HighBit) in the file')


def _gdcm_pixels(path: str) -> Tuple[np.ndarray, str]:
    """The stored pixels and photometric interpretation of a compressed
    DICOM, decoded by GDCM into an uncompressed copy that pydicom reads."""
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
        raw = pydicom.dcmread(osp.join(tmp, 'raw.dcm'))
        return raw.pixel_array, raw.PhotometricInterpretation


def _decode_by_gdcm(path: str, name: str) -> Tuple[np.ndarray, str]:
    """12-bit JPEG Extended by GDCM's reader (pydicom's GDCM and Pillow
    plugins refuse it; GDCM itself prints while it finds the codec)."""
    if importlib.util.find_spec('gdcm') is None:
        raise ValueError(f'{path}: pixel data in 12-bit {name}, which GDCM '
                         'decodes here; install python-gdcm')
    with _stderr_kept() as said:
        try:
            decoded, failure = _gdcm_pixels(path), None
        except Exception as err:
            failure = err
    # GDCM tries its 8-bit codec first: that line says nothing of the file
    said = _one_line('\n'.join(
        line for line in said[0].splitlines()
        if not line.startswith('Unsupported JPEG data precision')))
    if failure is not None:
        raise ValueError(f'{path}: corrupt DICOM pixel data: GDCM cannot '
                         f'decode its {name} stream ({failure}'
                         f'{": " + said if said else ""})') from failure
    _refuse_lost_data(said, path, name)
    return decoded


# what pydicom's decoders warn when a stream does not hold what the file
# says (e.g. RLE segments longer or shorter than the frame): the decode
# "succeeds" with wrong pixels
DAMAGE_WARNINGS = re.compile(r'non-conformant|bytes expected|truncated',
                             re.IGNORECASE)


def _refuse_damage_warnings(warned, path: str, name: str) -> None:
    """Refuses a decode during which pydicom warned of a damaged stream.

    Raises:
        ValueError: Calling the pixel data corrupt, with the warning.
    """
    damage = [
        str(w.message) for w in warned
        if DAMAGE_WARNINGS.search(str(w.message))
    ]
    if damage:
        raise ValueError(f'{path}: corrupt DICOM pixel data: the {name} '
                         f'stream does not hold the image ({damage[0]})')


def decode_pixels(ds, path: str) -> Tuple[np.ndarray, str]:
    """A DICOM's stored values and their photometric interpretation (RGB
    where the decoder converted YBR).

    Raises:
        ValueError: no decoder for the transfer syntax (naming what to
            install where one exists), or a stream that none of the
            installed ones decodes (corrupt).
    """
    import pydicom
    from pydicom.pixels import get_decoder
    from pydicom.uid import JPEGBaseline8Bit
    syntax = _transfer_syntax(ds)
    if syntax is None:
        raise ValueError(f'{path}: no TransferSyntaxUID in the file meta; '
                         'write the file with one (a DICOM Part 10 file)')
    name = f'transfer syntax {getattr(syntax, "name", syntax)}'
    if syntax in (JPEGBaseline8Bit, JPEG_EXTENDED_12_BIT):
        _check_jpeg_header(ds, path, name)
        if syntax == JPEG_EXTENDED_12_BIT and int(ds.BitsStored) > 8:
            return _decode_by_gdcm(path, name)
    try:
        decoder = get_decoder(syntax)
    except NotImplementedError as err:
        raise ValueError(f'{path}: pixel data in {name}, which pydicom '
                         f'{pydicom.__version__} has no decoder for; convert '
                         'the file to an uncompressed transfer syntax '
                         '(Explicit VR Little Endian)') from err
    if not syntax.is_compressed:
        try:
            stored, meta = decoder.as_array(ds)
        except Exception as err:
            raise ValueError(f'{path}: DICOM pixel data that cannot be read '
                             f'({err})') from err
        return stored, meta['photometric_interpretation']
    if not decoder.is_available:
        raise ValueError(f'{path}: pixel data in {name}, and no decoder for '
                         f'it is installed; install {PIXEL_PLUGINS}')
    failures = []
    for plugin in decoder.available_plugins:
        with _stderr_kept() as said, warnings.catch_warnings(
                record=True) as warned:
            warnings.simplefilter('always')
            try:
                stored, meta = decoder.as_array(ds, decoding_plugin=plugin)
                failure = None
            except Exception as err:
                # pydicom's message ends with the plugin's own words
                failure = str(err).strip().splitlines()[-1].strip()
        if failure is None:
            _refuse_lost_data(said[0], path, name)
            _refuse_damage_warnings(warned, path, name)
            return stored, meta['photometric_interpretation']
        failures.append(failure +
                        (f' ({_one_line(said[0])})' if said[0] else ''))
    raise ValueError(f'{path}: corrupt DICOM pixel data: every decoder of '
                     f'{name} here fails on it ({"; ".join(failures)})')


def _padding(values: np.ndarray, ds) -> np.ndarray:
    """Which stored ``values`` are padding: from ``PixelPaddingValue`` to
    ``PixelPaddingRangeLimit`` (either order), or the value alone."""
    if 'PixelPaddingValue' not in ds:
        return np.zeros(values.shape, bool)
    first = int(ds.PixelPaddingValue)
    low, high = sorted((first, int(ds.get('PixelPaddingRangeLimit', first))))
    return (values >= low) & (values <= high)


def _presentation_lut(ds, photometric: str) -> np.ndarray:
    """The 256 display levels after the presentation LUT (PS3.3 C.11.6)."""
    from pydicom.pixels import apply_presentation_lut
    levels = np.arange(256, dtype=np.uint8)
    if ds.get('PresentationLUTSequence'):
        bits = int(ds.PresentationLUTSequence[0].LUTDescriptor[2])
        return to_uint8(apply_presentation_lut(levels, ds), 0, 2**bits - 1)
    if 'PresentationLUTShape' in ds:
        return apply_presentation_lut(levels, ds).astype(np.uint8)
    # MONOCHROME1: the lowest value is white
    return 255 - levels if photometric == 'MONOCHROME1' else levels


def _grey_lut(ds, photometric: str, stored: np.ndarray) -> np.ndarray:
    """The display level (0..255) of each of ``lut_values(stored.dtype)``:
    modality LUT, VOI LUT (or the range of the pixels shown), presentation
    LUT, padding black."""
    from pydicom.pixels import apply_modality_lut, apply_voi, apply_windowing
    values = lut_values(stored.dtype)
    modality = apply_modality_lut(values, ds)
    padding = _padding(values, ds)
    if ds.get('VOILUTSequence'):
        bits = int(ds.VOILUTSequence[0].LUTDescriptor[2])
        with warnings.catch_warnings():
            # pydicom's caution for rescaled (float) input, which it
            # truncates to index the LUT, as the file's LUT expects
            warnings.filterwarnings('ignore', 'Applying a VOI LUT on a float')
            level = to_uint8(apply_voi(modality, ds), 0, 2**bits - 1)
    elif 'WindowCenter' in ds and 'WindowWidth' in ds:
        # pydicom clamps the window's output to the range of the stored (or
        # rescaled) values: two extreme inputs give its ends.
        with np.errstate(over='ignore'):
            ends = apply_windowing(np.array([-1e30, 1e30]), ds)
        level = to_uint8(apply_windowing(modality, ds), ends.min(), ends.max())
    else:
        shown = (value_counts(stored) > 0) & ~padding
        low, high = (modality[shown].min(),
                     modality[shown].max()) if shown.any() else (0, 0)
        level = to_uint8(modality, float(low), float(high))
    level = _presentation_lut(ds, photometric)[level]
    level[padding] = 0
    return level


def _colour_bgr(ds, photometric: str, stored: np.ndarray) -> np.ndarray:
    """The BGR image of RGB or PALETTE COLOR pixels, each sample's range
    (BitsStored, or the palette's entry bits) to 0..255."""
    if photometric == 'RGB':
        lut = to_uint8(lut_values(stored.dtype), 0, 2**int(ds.BitsStored) - 1)
        return lookup_bgr(stored[..., ::-1], lut)
    from pydicom.pixels import apply_color_lut
    bits = int(ds.RedPaletteColorLookupTableDescriptor[2])
    palette = apply_color_lut(lut_values(stored.dtype), ds)[:, 2::-1]
    palette = to_uint8(palette, 0, 2**bits - 1)
    return rows_to_bgr(lut_index(stored), lambda band: palette[band])


def read_dicom(path: str) -> RadiographImage:
    """A DICOM radiograph's image, as the table above says, and spacing.

    Raises:
        ValueError: unreadable, corrupt or refused (see the table); the
            message starts with the file and names the attribute.
    """
    import pydicom
    try:
        ds = pydicom.dcmread(path)
    except Exception as err:
        raise ValueError(f'{path}: a DICOM that cannot be read ({err})') \
            from err
    _check_layout(ds, path)
    stored, photometric = decode_pixels(ds, path)
    del ds.PixelData  # its bytes are as large as the image
    if photometric not in ('MONOCHROME1', 'MONOCHROME2', 'RGB',
                           'PALETTE COLOR'):
        raise ValueError(
            f'{path}: PhotometricInterpretation {photometric}, which this '
            'reader does not display (retired or not a radiograph); convert '
            'it to MONOCHROME2 or RGB')
    if not fits_lut(stored.dtype):  # BitsAllocated 1, 8 or 16 decode so
        raise ValueError(f'{path}: pixels decoded as {stored.dtype}; '
                         'expected 8 or 16-bit integers')
    try:
        if photometric.startswith('MONOCHROME'):
            image = lookup_bgr(stored, _grey_lut(ds, photometric, stored))
        else:
            image = _colour_bgr(ds, photometric, stored)
    except Exception as err:
        raise ValueError(f'{path}: a DICOM that cannot be displayed ({err})')\
            from err
    spacing, source, problems = dicom_spacing(ds, path)
    if spacing is None:
        problems += _aspect_warnings(ds, path)
    for problem in problems:
        warnings.warn(problem)
    return RadiographImage(image, spacing, source, problems)
