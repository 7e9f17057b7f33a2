"""Band-by-band pixel mapping gives what one whole-image mapping gives."""
import numpy as np
import pytest

from hyatt_mmpose.datasets import pixel_lut
from hyatt_mmpose.datasets.pixel_lut import (lookup_bgr, lut_values,
                                             rows_to_bgr, to_uint8,
                                             value_counts)

RNG = np.random.default_rng(5)


@pytest.fixture(autouse=True)
def small_bands(monkeypatch):
    """Bands of 2 rows of 17 pixels (and of single rows of 3 x 17): the
    last band is a partial one."""
    monkeypatch.setattr(pixel_lut, 'BAND_PIXELS', 40)


@pytest.mark.parametrize('shape', [(9, 17), (9, 17, 3)])
def test_rows_to_bgr_maps_every_row_once(shape):
    pixels = RNG.normal(size=shape)
    got = rows_to_bgr(pixels, lambda band: to_uint8(band, -2, 2))
    whole = to_uint8(pixels, -2, 2)
    np.testing.assert_array_equal(
        got, whole if len(shape) == 3 else np.repeat(whole[..., None], 3, -1))


@pytest.mark.parametrize('dtype', [np.uint8, np.uint16, np.int16])
def test_lookup_tables_index_every_value_by_its_bits(dtype):
    info = np.iinfo(dtype)
    pixels = RNG.integers(info.min, info.max, (9, 17), endpoint=True)
    pixels = pixels.astype(dtype)
    lut = to_uint8(lut_values(np.dtype(dtype)), info.min, info.max)
    np.testing.assert_array_equal(
        lookup_bgr(pixels, lut)[..., 1], to_uint8(pixels, info.min, info.max))
    counts = value_counts(pixels)
    values, frequency = np.unique(pixels, return_counts=True)
    assert {int(v): int(n) for v, n in zip(lut_values(np.dtype(dtype)),
                                           counts) if n} == \
        dict(zip(values.tolist(), frequency.tolist()))
