import cv2
import numpy as np
import pytest

from hyatt_mmpose.datasets import read_radiograph
from ..dicom_files import write_dicom


@pytest.fixture
def gray(synthetic_root):
    return cv2.imread(f'{synthetic_root}/images/test_0000.png',
                      cv2.IMREAD_GRAYSCALE)


def test_8_bit_16_bit_tiff_and_dicom_read_the_same(gray, tmp_path):
    cv2.imwrite(str(tmp_path / 'a.png'), gray)
    cv2.imwrite(str(tmp_path / 'b.png'), gray.astype(np.uint16) * 257)
    cv2.imwrite(str(tmp_path / 'c.tif'), gray.astype(np.uint16) * 257)
    dcm = write_dicom(
        tmp_path / 'd.dcm',
        gray.astype(np.uint16) * 257,
        window=(32767.5, 65535),
        pixel_spacing=(0.3, 0.2))
    images = [
        read_radiograph(str(tmp_path / n)) for n in ('a.png', 'b.png', 'c.tif')
    ] + [read_radiograph(dcm)]
    for radiograph in images:
        assert radiograph.image.shape == gray.shape + (3, )
        np.testing.assert_array_equal(radiograph.image[..., 0], gray)
    # PixelSpacing is (row, column): x spacing 0.2, y spacing 0.3.
    np.testing.assert_allclose(images[-1].pixel_spacing, [0.2, 0.3])
    assert images[-1].spacing_source == 'PixelSpacing'
    assert images[0].pixel_spacing is None


def test_monochrome1_is_inverted_and_range_used_without_window(tmp_path):
    pixels = np.arange(0, 4000, 10, dtype=np.uint16).reshape(20, 20)
    mono1 = read_radiograph(
        write_dicom(tmp_path / 'm1.dcm', pixels, photometric='MONOCHROME1'))
    mono2 = read_radiograph(write_dicom(tmp_path / 'm2.dcm', pixels))
    assert mono2.image[0, 0, 0] == 0 and mono2.image[-1, -1, 0] == 255
    np.testing.assert_array_equal(mono1.image, 255 - mono2.image)


def test_imager_pixel_spacing_is_the_fallback(tmp_path):
    pixels = np.zeros((8, 8), np.uint16)
    got = read_radiograph(
        write_dicom(
            tmp_path / 'i.dcm', pixels, imager_pixel_spacing=(0.15, 0.15)))
    np.testing.assert_allclose(got.pixel_spacing, [0.15, 0.15])
    assert got.spacing_source == 'ImagerPixelSpacing'


def test_12_bit_data_in_16_bit_png_uses_its_range(tmp_path):
    pixels = np.array([[0, 4095]], np.uint16)
    cv2.imwrite(str(tmp_path / 't.png'), pixels)
    assert read_radiograph(str(tmp_path / 't.png')).image[0, :, 0].tolist() \
        == [0, 255]


def test_bad_files_each_get_their_error(tmp_path):
    (tmp_path / 'empty.png').write_bytes(b'')
    (tmp_path / 'corrupt.png').write_bytes(b'\x89PNG\r\n\x1a\n garbage')
    (tmp_path / 'notes.txt').write_text('not an image at all')
    multi = write_dicom(tmp_path / 'multi.dcm', np.zeros((4, 4)), frames=3)
    with pytest.raises(ValueError, match='empty.png: the file is empty'):
        read_radiograph(str(tmp_path / 'empty.png'))
    with pytest.raises(ValueError, match='corrupt.png: not a readable'):
        read_radiograph(str(tmp_path / 'corrupt.png'))
    with pytest.raises(ValueError, match='notes.txt: not a readable'):
        read_radiograph(str(tmp_path / 'notes.txt'))
    with pytest.raises(ValueError, match='multi.dcm: a multi-frame DICOM'):
        read_radiograph(multi)
    with pytest.raises(FileNotFoundError, match='nothing.png: no such file'):
        read_radiograph(str(tmp_path / 'nothing.png'))


def test_12_bit_dicom_is_windowed_by_its_range(tmp_path):
    pixels = np.array([[0, 1024], [2048, 4095]], np.uint16)
    got = read_radiograph(
        write_dicom(tmp_path / 'b12.dcm', pixels, bits_stored=12))
    expected = np.round(pixels / 4095 * 255).astype(np.uint8)
    np.testing.assert_array_equal(got.image[..., 0], expected)
