"""DICOM files written with pydicom, for the tests."""
import struct

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import (ExplicitVRLittleEndian, SecondaryCaptureImageStorage,
                         generate_uid)


def write_dicom(path,
                pixels: np.ndarray,
                frames: int = 1,
                photometric: str = 'MONOCHROME2',
                window=None,
                pixel_spacing=None,
                imager_pixel_spacing=None,
                bits_stored: int = 16,
                bits_allocated: int = 16,
                planar_configuration: int = 0,
                **tags) -> str:
    """A single- (or multi-) frame DICOM of ``(H, W)`` grey or ``(H, W, 3)``
    colour ``pixels``, written in ``bits_allocated`` bits (negative values in
    two's complement, bits above ``bits_stored`` as given); ``tags`` are set
    after the defaults, as they are (e.g. ``PixelRepresentation``, or a
    malformed ``PixelSpacing``)."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = 'DX'
    ds.Rows, ds.Columns = pixels.shape[:2]
    ds.SamplesPerPixel = 3 if pixels.ndim == 3 else 1
    if pixels.ndim == 3:
        ds.PlanarConfiguration = planar_configuration
        if planar_configuration:
            pixels = pixels.transpose(2, 0, 1)
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = bits_allocated, \
        bits_stored, bits_stored - 1
    ds.PixelRepresentation = 0
    if frames > 1:
        ds.NumberOfFrames = frames
        pixels = np.stack([pixels] * frames)
    if window is not None:
        ds.WindowCenter, ds.WindowWidth = window
    if pixel_spacing is not None:
        ds.PixelSpacing = list(pixel_spacing)
    if imager_pixel_spacing is not None:
        ds.ImagerPixelSpacing = list(imager_pixel_spacing)
    for keyword, value in tags.items():
        setattr(ds, keyword, value)
    ds.PixelData = pixels.astype(
        np.int64).astype(f'<u{bits_allocated // 8}').tobytes()
    ds.save_as(str(path), enforce_file_format=True)
    return str(path)


def write_encapsulated(path, frame: bytes, syntax, shape, **kwargs) -> str:
    """A DICOM whose pixel data is one compressed ``frame`` in transfer
    syntax ``syntax``; ``shape`` and ``kwargs`` as for :func:`write_dicom`.
    """
    path = write_dicom(path, np.zeros(shape, np.uint16), **kwargs)
    ds = pydicom.dcmread(path)
    ds.PixelData = encapsulate([frame])
    ds['PixelData'].VR = 'OB'
    ds.file_meta.TransferSyntaxUID = syntax
    ds.save_as(path)
    return path


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack('>HH', marker, len(payload) + 2) + payload


def jpeg_12_bit(blocks: np.ndarray) -> bytes:
    """A 12-bit JPEG Extended (SOF1) stream of a grey image that is constant
    on each 8 x 8 block, ``blocks`` (0..4095) giving the blocks' values.

    No library here writes one (GDCM writes 16-bit samples for 16 bits
    allocated, Pillow 8-bit ones). With every AC coefficient zero and a
    quantisation table of ones the stream is a few lines, and decoders
    reproduce the values exactly (a DC-only block's inverse DCT is exact).
    """
    rows, cols = blocks.shape
    # DC differences of 12-bit samples need categories 0..15: 15 codes of
    # 4 bits and one of 5 (a code of all ones is not allowed).
    dc_codes = {size: (size, 4) for size in range(15)}
    dc_codes[15] = (0b11110, 5)
    dc_table = bytes([0x00, 0, 0, 0, 15, 1] + [0] * 11) + bytes(range(16))
    ac_table = bytes([0x10, 1] + [0] * 15) + bytes([0x00])  # EOB only: '0'
    stream = bytearray(b'\xff\xd8')
    stream += _segment(0xFFDB, bytes([0] + [1] * 64))
    stream += _segment(
        0xFFC1, struct.pack('>BHHBBBB', 12, rows * 8, cols * 8, 1, 1, 0x11, 0))
    stream += _segment(0xFFC4, dc_table + ac_table)
    stream += _segment(0xFFDA, bytes([1, 1, 0x00, 0, 63, 0]))
    bits, previous = [], 0
    # the forward DCT of a block of value v, level-shifted by 2048
    for dc in (8 * (blocks.astype(int) - 2048)).ravel():
        diff, previous = int(dc) - previous, int(dc)
        size = abs(diff).bit_length()
        code, length = dc_codes[size]
        extra = diff if diff >= 0 else diff + (1 << size) - 1
        bits += [(code >> i) & 1 for i in range(length - 1, -1, -1)]
        bits += [(extra >> i) & 1 for i in range(size - 1, -1, -1)]
        bits.append(0)  # end of block
    bits += [1] * (-len(bits) % 8)
    for start in range(0, len(bits), 8):
        byte = int(''.join(map(str, bits[start:start + 8])), 2)
        stream += bytes([byte, 0]) if byte == 0xFF else bytes([byte])
    return bytes(stream + b'\xff\xd9')
