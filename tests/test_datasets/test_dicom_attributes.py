"""Each DICOM attribute that changes what a stored value means (the table in
hyatt_mmpose/datasets/dicom_io.py), against numpy computing the standard's
definition."""
import io

import numpy as np
import pytest
from PIL import Image
from pydicom.dataset import Dataset
from pydicom.uid import JPEGBaseline8Bit

from hyatt_mmpose.datasets import read_radiograph
from ..dicom_files import write_dicom, write_encapsulated

RNG = np.random.default_rng(23)
TWELVE_BIT = RNG.integers(0, 4096, (24, 40))


def grey(path) -> np.ndarray:
    """The one channel of a grey reading."""
    image = read_radiograph(path).image
    assert (image == image[..., :1]).all()
    return image[..., 0]


def by_range(values, low=None, high=None) -> np.ndarray:
    """``[low, high]`` (default the values' range) to 0..255, rounded."""
    low = values.min() if low is None else low
    high = values.max() if high is None else high
    return np.clip(np.round((values - low) * 255 / (high - low)), 0,
                   255).astype(np.uint8)


def test_bits_above_bits_stored_are_ignored(tmp_path):
    garbage = RNG.integers(0, 16, TWELVE_BIT.shape) << 12
    path = write_dicom(
        tmp_path / 'g.dcm', TWELVE_BIT | garbage, bits_stored=12)
    np.testing.assert_array_equal(grey(path), by_range(TWELVE_BIT))


def test_signed_values_extend_their_sign_from_bits_stored(tmp_path):
    values = TWELVE_BIT - 2048  # -2048..2047 in 12 bits
    garbage = RNG.integers(0, 16, values.shape) << 12
    path = write_dicom(
        tmp_path / 's.dcm', (values & 0xFFF) | garbage,
        bits_stored=12,
        PixelRepresentation=1)
    np.testing.assert_array_equal(grey(path), by_range(values))


def test_eight_bits_allocated(tmp_path):
    values = RNG.integers(10, 200, (24, 40))
    path = write_dicom(
        tmp_path / 'b8.dcm', values, bits_stored=8, bits_allocated=8)
    np.testing.assert_array_equal(grey(path), by_range(values))


def test_rescale_then_window_in_rescaled_units(tmp_path):
    slope, intercept, c, w = 2., -1000., 2500., 3001.
    path = write_dicom(
        tmp_path / 'r.dcm',
        TWELVE_BIT,
        bits_stored=12,
        window=(c, w),
        RescaleSlope=slope,
        RescaleIntercept=intercept)
    rescaled = TWELVE_BIT * slope + intercept
    # PS3.3 C.11.2.1.2.1
    y = np.clip((rescaled - (c - 0.5)) / (w - 1) + 0.5, 0, 1) * 255
    np.testing.assert_allclose(grey(path), y, atol=0.51)


def test_modality_lut_sequence(tmp_path):
    lut = (4095 - np.arange(4096)) // 3 + 100  # decreasing, 100..1465
    item = Dataset()
    item.add_new('LUTDescriptor', 'US', [4096, 0, 16])
    item.add_new('LUTData', 'OW', lut.astype('<u2').tobytes())
    path = write_dicom(
        tmp_path / 'm.dcm',
        TWELVE_BIT,
        bits_stored=12,
        ModalityLUTSequence=[item])
    np.testing.assert_array_equal(grey(path), by_range(lut[TWELVE_BIT]))


def test_the_first_of_several_windows(tmp_path):
    path = write_dicom(
        tmp_path / 'w.dcm',
        TWELVE_BIT,
        bits_stored=12,
        window=([1000., 3000.], [501., 101.]))
    y = np.clip((TWELVE_BIT - 999.5) / 500 + 0.5, 0, 1) * 255
    np.testing.assert_allclose(grey(path), y, atol=0.51)


def test_linear_exact_window(tmp_path):
    c, w = 1000., 500.
    path = write_dicom(
        tmp_path / 'e.dcm',
        TWELVE_BIT,
        bits_stored=12,
        window=(c, w),
        VOILUTFunction='LINEAR_EXACT')
    # PS3.3 C.11.2.1.3.2: no half-unit shifts
    y = np.clip((TWELVE_BIT - c) / w + 0.5, 0, 1) * 255
    np.testing.assert_allclose(grey(path), y, atol=0.51)


@pytest.mark.parametrize('photometric,shape,inverted',
                         [('MONOCHROME2', 'INVERSE', True),
                          ('MONOCHROME2', 'IDENTITY', False),
                          ('MONOCHROME1', 'INVERSE', True),
                          ('MONOCHROME1', 'IDENTITY', False),
                          ('MONOCHROME1', None, True)])
def test_presentation_lut_shape_decides_the_polarity(tmp_path, photometric,
                                                     shape, inverted):
    """PresentationLUTShape, when present, says what MONOCHROME1 means (DX:
    INVERSE with MONOCHROME1 is one inversion, not two)."""
    tags = {} if shape is None else dict(PresentationLUTShape=shape)
    path = write_dicom(
        tmp_path / 'p.dcm',
        TWELVE_BIT,
        bits_stored=12,
        photometric=photometric,
        **tags)
    expected = by_range(TWELVE_BIT)
    np.testing.assert_array_equal(
        grey(path), 255 - expected if inverted else expected)


def test_presentation_lut_sequence(tmp_path):
    p_values = np.round(1023 * (np.arange(256) / 255)**2).astype(int)
    item = Dataset()
    item.add_new('LUTDescriptor', 'US', [256, 0, 10])
    item.add_new('LUTData', 'US', p_values.tolist())
    path = write_dicom(
        tmp_path / 'ps.dcm',
        TWELVE_BIT,
        bits_stored=12,
        PresentationLUTSequence=[item])
    expected = np.round(p_values[by_range(TWELVE_BIT)] * 255 / 1023)
    np.testing.assert_array_equal(grey(path), expected)


@pytest.mark.parametrize('photometric', ['MONOCHROME2', 'MONOCHROME1'])
@pytest.mark.parametrize('padding,limit', [(0, None), (4095, None), (0, 40)])
def test_padding_does_not_stretch_the_range(tmp_path, photometric, padding,
                                            limit):
    """Padding outside a round field of view: the rest is scaled by its own
    range and padding is black. A single PixelPaddingValue at either end,
    and a PixelPaddingRangeLimit over noisy padding (0..40)."""
    rows, cols = np.mgrid[:40, :40]
    inside = (rows - 20)**2 + (cols - 20)**2 < 15**2
    body = 1000 + RNG.integers(0, 2000, inside.shape)
    noise = RNG.integers(0, 41, inside.shape) if limit else padding
    tags = dict(PixelPaddingValue=padding)
    if limit is not None:
        tags['PixelPaddingRangeLimit'] = limit
    path = write_dicom(
        tmp_path / 'pad.dcm',
        np.where(inside, body, noise),
        bits_stored=12,
        photometric=photometric,
        **tags)
    expected = by_range(body, body[inside].min(), body[inside].max())
    if photometric == 'MONOCHROME1':
        expected = 255 - expected
    np.testing.assert_array_equal(grey(path), np.where(inside, expected, 0))


def test_non_square_pixels_without_spacing_are_flagged(tmp_path):
    pixels = TWELVE_BIT
    flagged = read_radiograph(
        write_dicom(
            tmp_path / 'a.dcm',
            pixels,
            bits_stored=12,
            PixelAspectRatio=[2, 1]))
    assert flagged.image.shape[:2] == pixels.shape  # never resampled
    assert len(flagged.warnings) == 1
    assert flagged.warnings[0].startswith(str(tmp_path / 'a.dcm'))
    assert 'PixelAspectRatio is 2:1' in flagged.warnings[0]
    for name, tags in (('square.dcm', dict(PixelAspectRatio=[1, 1])),
                       ('spaced.dcm',
                        dict(PixelAspectRatio=[2, 1], PixelSpacing=[0.2,
                                                                    0.1]))):
        assert read_radiograph(
            write_dicom(tmp_path / name, pixels, bits_stored=12,
                        **tags)).warnings == []


@pytest.mark.parametrize('planar_configuration', [0, 1])
def test_rgb_in_either_planar_configuration(tmp_path, planar_configuration):
    rgb = RNG.integers(0, 256, (24, 40, 3))
    path = write_dicom(
        tmp_path / 'rgb.dcm',
        rgb,
        photometric='RGB',
        bits_stored=8,
        bits_allocated=8,
        planar_configuration=planar_configuration)
    np.testing.assert_array_equal(read_radiograph(path).image, rgb[..., ::-1])


def test_rgb_of_12_bits(tmp_path):
    rgb = RNG.integers(0, 4096, (24, 40, 3))
    path = write_dicom(
        tmp_path / 'rgb12.dcm', rgb, photometric='RGB', bits_stored=12)
    np.testing.assert_array_equal(
        read_radiograph(path).image, by_range(rgb[..., ::-1], 0, 4095))


def test_ybr_full(tmp_path):
    ybr = RNG.integers(0, 256, (24, 40, 3))
    path = write_dicom(
        tmp_path / 'ybr.dcm',
        ybr,
        photometric='YBR_FULL',
        bits_stored=8,
        bits_allocated=8)
    y, cb, cr = (ybr[..., i].astype(float) for i in range(3))
    # PS3.3 C.7.6.3.1.2 (the inverse of its RGB to YBR_FULL equations)
    rgb = np.stack([
        y + 1.402 * (cr - 128), y - 0.344136 * (cb - 128) - 0.714136 *
        (cr - 128), y + 1.772 * (cb - 128)
    ], -1)
    np.testing.assert_allclose(
        read_radiograph(path).image, np.clip(rgb[..., ::-1], 0, 255), atol=1)


def test_ybr_full_422_jpeg_is_shown_in_colour(tmp_path):
    """The usual colour JPEG of a secondary capture: the decoder's YCbCr to
    RGB, then BGR."""
    rgb = np.clip(
        np.add.outer(np.arange(48) * 4,
                     np.arange(64) * 3)[..., None] + np.array([0, 40, 80]), 0,
        255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format='JPEG', quality=95)
    path = write_encapsulated(
        tmp_path / 'c.dcm',
        buffer.getvalue(),
        JPEGBaseline8Bit, (48, 64, 3),
        photometric='YBR_FULL_422',
        bits_stored=8,
        bits_allocated=8)
    decoded = np.asarray(Image.open(buffer).convert('RGB'))
    np.testing.assert_allclose(
        read_radiograph(path).image, decoded[..., ::-1], atol=1)


def test_palette_color(tmp_path):
    palette = RNG.integers(0, 65536, (256, 3))
    index = RNG.integers(0, 256, (24, 40))
    tags = {}
    for channel, colour in enumerate(('Red', 'Green', 'Blue')):
        tags[f'{colour}PaletteColorLookupTableData'] = \
            palette[:, channel].astype('<u2').tobytes()
    path = write_dicom(
        tmp_path / 'pal.dcm',
        index,
        photometric='PALETTE COLOR',
        bits_stored=8,
        bits_allocated=8,
        **tags)
    import pydicom
    ds = pydicom.dcmread(path)
    for colour in ('Red', 'Green', 'Blue'):
        ds.add_new(f'{colour}PaletteColorLookupTableDescriptor', 'US',
                   [256, 0, 16])
    ds.save_as(path)
    expected = by_range(palette[index][..., ::-1], 0, 65535)
    np.testing.assert_array_equal(read_radiograph(path).image, expected)


@pytest.mark.parametrize('tags,words', [
    (dict(frames=3), 'NumberOfFrames is 3'),
    (dict(HighBit=15), 'HighBit is 15 with BitsStored 12'),
    (dict(bits_allocated=32), 'BitsAllocated is 32'),
])
def test_refused_attributes_name_the_file_attribute_and_fix(
        tmp_path, tags, words):
    path = write_dicom(tmp_path / 'x.dcm', TWELVE_BIT, bits_stored=12, **tags)
    with pytest.raises(ValueError) as err:
        read_radiograph(path)
    message = str(err.value)
    assert message.startswith(path) and words in message
    assert any(fix in message for fix in ('give', 'rewrite', 'convert'))


def test_a_missing_bits_stored_is_refused(tmp_path):
    """Type 1 in the Image Pixel module: without it the reader cannot tell
    which bits hold the value (was an AttributeError traceback)."""
    import pydicom
    path = write_dicom(tmp_path / 'x.dcm', TWELVE_BIT, bits_stored=12)
    ds = pydicom.dcmread(path)
    del ds.BitsStored
    ds.save_as(path)
    with pytest.raises(ValueError, match=r'x\.dcm: no BitsStored.*rewrite'):
        read_radiograph(path)
