"""DICOM pixels as pydicom's modality and VOI functions define them, and
the compressed transfer syntaxes archives send."""
import io

import numpy as np
import pydicom
import pytest
from PIL import Image
from pydicom.dataset import Dataset
from pydicom.encaps import encapsulate
from pydicom.uid import (JPEG2000Lossless, JPEGBaseline8Bit, JPEGLSLossless,
                         RLELossless)

from hyatt_mmpose.datasets import read_radiograph
from ..dicom_files import write_dicom

TWELVE_BIT = (np.arange(48 * 64).reshape(48, 64) * 7 % 4096).astype(np.uint16)


def test_voi_lut_sequence_is_applied(tmp_path):
    path = write_dicom(tmp_path / 'lut.dcm', TWELVE_BIT, bits_stored=12)
    ds = pydicom.dcmread(path)
    # an inverting 12-bit LUT over the 4096 stored values
    lut = Dataset()
    lut.add_new('LUTDescriptor', 'US', [4096, 0, 12])
    lut.add_new('LUTData', 'OW',
                np.arange(4095, -1, -1, dtype='<u2').tobytes())
    ds.VOILUTSequence = [lut]
    ds.save_as(path)
    got = read_radiograph(path).image[..., 0]
    expected = np.round((4095 - TWELVE_BIT) / 4095 * 255).astype(np.uint8)
    np.testing.assert_array_equal(got, expected)


def test_sigmoid_voi_lut_function(tmp_path):
    c, w = 2048., 1024.
    path = write_dicom(
        tmp_path / 'sig.dcm',
        TWELVE_BIT,
        bits_stored=12,
        window=(c, w),
        VOILUTFunction='SIGMOID')
    got = read_radiograph(path).image[..., 0].astype(float)
    # PS3.3 C.11.2.1.3.1: y = y_range / (1 + exp(-4 (x - c) / w)) + y_min
    expected = 255 / (1 + np.exp(-4 * (TWELVE_BIT - c) / w))
    np.testing.assert_allclose(got, expected, atol=1.0)


def test_linear_window_follows_the_standard(tmp_path):
    c, w = 1000., 501.
    path = write_dicom(
        tmp_path / 'lin.dcm', TWELVE_BIT, bits_stored=12, window=(c, w))
    got = read_radiograph(path).image[..., 0].astype(float)
    # PS3.3 C.11.2.1.2.1 (c - 0.5, w - 1), then 0..4095 to 0..255
    y = ((TWELVE_BIT - (c - 0.5)) / (w - 1) + 0.5) * 4095
    expected = np.clip(y, 0, 4095) * 255 / 4095
    np.testing.assert_allclose(got, expected, atol=0.51)


@pytest.mark.parametrize('syntax',
                         [RLELossless, JPEGLSLossless, JPEG2000Lossless])
def test_lossless_syntaxes_round_trip(tmp_path, syntax):
    plain = write_dicom(
        tmp_path / 'plain.dcm',
        TWELVE_BIT,
        bits_stored=12,
        pixel_spacing=(0.1, 0.12))
    ds = pydicom.dcmread(plain)
    ds.compress(syntax)
    ds.save_as(str(tmp_path / 'packed.dcm'))
    packed = read_radiograph(str(tmp_path / 'packed.dcm'))
    reference = read_radiograph(plain)
    assert pydicom.dcmread(tmp_path / 'packed.dcm').file_meta \
        .TransferSyntaxUID == syntax
    np.testing.assert_array_equal(
        pydicom.dcmread(tmp_path / 'packed.dcm').pixel_array, TWELVE_BIT)
    np.testing.assert_array_equal(packed.image, reference.image)
    np.testing.assert_allclose(packed.pixel_spacing, [0.12, 0.1])


def test_jpeg_baseline_decodes(tmp_path):
    grey = (np.arange(48 * 64).reshape(48, 64) % 256).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(grey).save(buffer, format='JPEG', quality=95)
    path = write_dicom(
        tmp_path / 'j.dcm', grey.astype(np.uint16), bits_stored=8)
    ds = pydicom.dcmread(path)
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 8, 8, 7
    ds.PixelData = encapsulate([buffer.getvalue()])
    ds['PixelData'].VR = 'OB'
    ds.file_meta.TransferSyntaxUID = JPEGBaseline8Bit
    ds.save_as(path)
    got = read_radiograph(path).image[..., 0].astype(int)
    decoded = np.asarray(Image.open(buffer)).astype(int)
    # the file's own range to 0..255, as for any DICOM without a window
    expected = np.round(
        (decoded - decoded.min()) * 255 / (decoded.max() - decoded.min()))
    np.testing.assert_allclose(got, expected, atol=1)


@pytest.mark.parametrize('syntax,tolerance', [('JPEGLosslessProcess14_1', 0),
                                              ('JPEGExtendedProcess2_4', 2)])
def test_jpeg_lossless_and_12_bit_extended(tmp_path, syntax, tolerance):
    """Encoded by GDCM (pydicom has no JPEG encoder); extended is lossy, and
    GDCM writes 16-bit samples for it (tests/test_datasets/
    test_dicom_messages.py reads a 12-bit stream)."""
    import gdcm
    plain = write_dicom(
        tmp_path / 'plain.dcm',
        TWELVE_BIT,
        bits_stored=12,
        pixel_spacing=(0.1, 0.12))
    reader = gdcm.ImageReader()
    reader.SetFileName(plain)
    assert reader.Read()
    change = gdcm.ImageChangeTransferSyntax()
    change.SetTransferSyntax(
        gdcm.TransferSyntax(getattr(gdcm.TransferSyntax, syntax)))
    change.SetInput(reader.GetImage())
    assert change.Change()
    writer = gdcm.ImageWriter()
    writer.SetFileName(str(tmp_path / 'packed.dcm'))
    writer.SetFile(reader.GetFile())
    writer.SetImage(change.GetOutput())
    assert writer.Write()
    packed = read_radiograph(str(tmp_path / 'packed.dcm'))
    reference = read_radiograph(plain)
    assert pydicom.dcmread(tmp_path / 'packed.dcm').file_meta \
        .TransferSyntaxUID.is_compressed
    # 12-bit values to 8 bit: an error of 2 in 4095 moves a pixel by <= 1
    diff = np.abs(packed.image.astype(int) - reference.image.astype(int))
    assert diff.max() <= (1 if tolerance else 0)
    np.testing.assert_allclose(packed.pixel_spacing, [0.12, 0.1])
