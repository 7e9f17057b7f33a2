"""One set of pixel rules for dataset files, predictor files and arrays."""
import cv2
import numpy as np
import pytest
from mmpose.registry import TRANSFORMS

from hyatt_mmpose.datasets import LoadRadiograph, as_bgr_uint8


@pytest.fixture
def twelve_bit_png(tmp_path):
    """A 16-bit PNG holding 12-bit values, as radiographs often are."""
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 4096, (30, 40), dtype=np.uint16)
    path = str(tmp_path / 'ceph12.png')
    cv2.imwrite(path, pixels)
    return path, pixels


def test_dataset_file_and_array_read_the_same(twelve_bit_png):
    path, pixels = twelve_bit_png
    load = TRANSFORMS.build(dict(type='LoadRadiograph'))
    from_file = load(dict(img_path=path))['img']
    from_array = load(dict(img_path=None, img=pixels))['img']
    # independent: 0..4095 mapped linearly to 0..255
    expected = np.round(pixels / 4095 * 255).astype(np.uint8)
    np.testing.assert_array_equal(from_file[..., 0], expected)
    np.testing.assert_array_equal(from_array, from_file)
    assert from_file.shape == (30, 40, 3)
    # what mmpose's LoadImage does with it: the top 8 of 16 bits
    legacy = TRANSFORMS.build(dict(type='LoadImage'))(
        dict(img_path=path))['img']
    assert legacy.max() < 16 and from_file.max() > 240


def test_array_rules():
    full16 = np.array([[0, 65535], [257, 65535]], np.uint16)
    np.testing.assert_array_equal(
        as_bgr_uint8(full16, 'array')[..., 0], [[0, 255], [1, 255]])
    floats = np.array([[-1., 0.], [1., 3.]])
    np.testing.assert_array_equal(
        as_bgr_uint8(floats, 'array')[..., 0], [[0, 64], [128, 255]])
    bgra = np.zeros((2, 2, 4), np.uint8)
    assert as_bgr_uint8(bgra, 'array').shape == (2, 2, 3)
    with pytest.raises(ValueError, match='array: pixels of shape'):
        as_bgr_uint8(np.zeros((2, 2, 2), np.uint8), 'array')
    with pytest.raises(ValueError, match='array: pixels of type bool'):
        as_bgr_uint8(np.zeros((2, 2), bool), 'array')
    with pytest.raises(ValueError, match='not finite'):
        as_bgr_uint8(np.array([[0., np.nan]]), 'array')


def test_registered_and_exported():
    assert TRANSFORMS.get('LoadRadiograph') is LoadRadiograph
