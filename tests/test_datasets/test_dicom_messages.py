"""What a DICOM read says: nothing when it succeeds (not even a C library on
file descriptor 2), "corrupt" for a corrupt stream, and what to install only
when a decoder is really missing."""
import io
import sys
import warnings

import numpy as np
import pytest
from PIL import Image
from pydicom.dataset import Dataset
from pydicom.pixels.decoders.base import Decoder
from pydicom.uid import JPEGBaseline8Bit, JPEGExtended12Bit, JPEGLosslessSV1

from hyatt_mmpose.datasets import read_radiograph
from ..dicom_files import jpeg_12_bit, write_dicom, write_encapsulated

BLOCKS = (np.add.outer(np.arange(6) * 7, np.arange(8) * 13) * 37) % 4096
TWELVE_BIT = np.kron(BLOCKS, np.ones((8, 8), int))  # 48 x 64


def jpeg_baseline() -> bytes:
    grey = (np.arange(48 * 64).reshape(48, 64) % 256).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(grey).save(buffer, format='JPEG', quality=95)
    return buffer.getvalue()


def message_of(path) -> str:
    with pytest.raises(ValueError) as err:
        read_radiograph(path)
    return str(err.value)


def test_12_bit_jpeg_extended_reads_exactly_and_prints_nothing(
        tmp_path, capfd):
    """GDCM used to print 'Unsupported JPEG data precision 12' twice (its
    8-bit codec tried first) on a read that succeeded."""
    packed = write_encapsulated(
        tmp_path / 'j12.dcm',
        jpeg_12_bit(BLOCKS),
        JPEGExtended12Bit,
        TWELVE_BIT.shape,
        bits_stored=12)
    plain = write_dicom(tmp_path / 'plain.dcm', TWELVE_BIT, bits_stored=12)
    capfd.readouterr()
    image = read_radiograph(packed).image
    assert capfd.readouterr() == ('', '')
    np.testing.assert_array_equal(image, read_radiograph(plain).image)


def test_voi_lut_with_rescale_warns_nothing(tmp_path, capfd):
    """Another successful read that printed: pydicom's warning on the float
    values the reader gave its VOI LUT."""
    lut = Dataset()
    lut.add_new('LUTDescriptor', 'US', [4096, 0, 12])
    lut.add_new('LUTData', 'OW',
                np.arange(4095, -1, -1, dtype='<u2').tobytes())
    path = write_dicom(
        tmp_path / 'voi.dcm',
        TWELVE_BIT,
        bits_stored=12,
        RescaleSlope=1,
        RescaleIntercept=0,
        VOILUTSequence=[lut])
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        got = read_radiograph(path).image[..., 0]
    assert capfd.readouterr().err == ''
    np.testing.assert_array_equal(got,
                                  np.round((4095 - TWELVE_BIT) * 255 / 4095))


@pytest.mark.parametrize('kind', [
    'lossless garbage', 'baseline truncated', '12-bit truncated',
    '12-bit truncated, with its end marker'
])
def test_corrupt_streams_are_called_corrupt(tmp_path, capfd, kind):
    """Every decoder is installed: the message says corrupt, names the file
    and the transfer syntax, and does not say to install anything. The last
    one GDCM "decodes", filling in what is missing, with a warning on
    stderr."""
    stream, syntax, bits = {
        'lossless garbage':
        (b'\xff\xd8 not a jpeg stream', JPEGLosslessSV1, 12),
        'baseline truncated': (jpeg_baseline()[:600], JPEGBaseline8Bit, 8),
        '12-bit truncated': (jpeg_12_bit(BLOCKS)[:-40], JPEGExtended12Bit, 12),
        '12-bit truncated, with its end marker':
        (jpeg_12_bit(BLOCKS)[:-40] + b'\xff\xd9', JPEGExtended12Bit, 12),
    }[kind]
    path = write_encapsulated(
        tmp_path / 'broken.dcm',
        stream,
        syntax,
        TWELVE_BIT.shape,
        bits_stored=bits,
        bits_allocated=8 if bits == 8 else 16)
    capfd.readouterr()
    message = message_of(path)
    assert message.startswith(f'{path}: corrupt DICOM pixel data')
    assert syntax.name in message
    assert 'install' not in message
    assert capfd.readouterr().err == ''


def test_plugins_are_named_only_when_missing(tmp_path, monkeypatch):
    path = write_encapsulated(
        tmp_path / 'j.dcm',
        jpeg_baseline(),
        JPEGBaseline8Bit, (48, 64),
        bits_stored=8,
        bits_allocated=8)
    assert read_radiograph(path).image.shape == (48, 64, 3)
    monkeypatch.setattr(Decoder, 'is_available', property(lambda _: False))
    message = message_of(path)
    assert message.startswith(path) and 'JPEG Baseline' in message
    assert 'install python-gdcm' in message


def test_gdcm_is_named_when_missing_for_12_bit_jpeg(tmp_path, monkeypatch):
    path = write_encapsulated(
        tmp_path / 'j12.dcm',
        jpeg_12_bit(BLOCKS),
        JPEGExtended12Bit,
        TWELVE_BIT.shape,
        bits_stored=12)
    monkeypatch.setitem(sys.modules, 'gdcm', None)  # not importable
    message = message_of(path)
    assert message.startswith(path) and 'install python-gdcm' in message


def test_a_syntax_pydicom_cannot_decode_is_not_an_install_hint(tmp_path):
    """JPEG 2000 Part 2 (multi-component): no plugin of pydicom 3.0.2
    decodes it, so installing one does not help; the file has to be
    converted."""
    path = write_encapsulated(tmp_path / 'j2k2.dcm', b'\xff\x4f' + bytes(30),
                              '1.2.840.10008.1.2.4.92', (48, 64))
    message = message_of(path)
    assert message.startswith(path)
    assert 'no decoder for' in message and 'convert' in message
    assert 'install' not in message


def test_jpeg_samples_wider_than_bits_stored_are_refused(tmp_path):
    """A 12-bit stream in a file that says 8 bits: its decoders gave 8-bit
    garbage without an error."""
    path = write_encapsulated(
        tmp_path / 'j12.dcm',
        jpeg_12_bit(BLOCKS),
        JPEGExtended12Bit,
        TWELVE_BIT.shape,
        bits_stored=8)
    message = message_of(path)
    assert message.startswith(path)
    assert '12-bit samples but BitsStored is 8' in message


def test_a_damaged_rle_stream_is_corrupt_not_wrong_pixels(tmp_path):
    """The trial's case: 400 bytes zeroed in an RLE stream decoded to wrong
    pixels, pydicom's warning unseen. The intact file reads as written."""
    import pydicom
    from pydicom.uid import RLELossless
    values = (np.arange(256 * 256).reshape(256, 256) % 4096).astype(np.uint16)
    path = write_dicom(tmp_path / 'rle.dcm', values, bits_stored=12)
    ds = pydicom.dcmread(path)
    ds.compress(RLELossless)
    ds.save_as(path)
    intact = read_radiograph(path).image
    raw = bytearray(open(path, 'rb').read())
    middle = len(raw) // 2
    raw[middle:middle + 400] = bytes(400)
    damaged = tmp_path / 'damaged.dcm'
    damaged.write_bytes(bytes(raw))
    with pytest.raises(
            ValueError, match=r'damaged\.dcm: corrupt DICOM pixel data.*RLE'):
        read_radiograph(str(damaged))
    expected = read_radiograph(
        write_dicom(tmp_path / 'plain.dcm', values, bits_stored=12)).image
    np.testing.assert_array_equal(intact, expected)
