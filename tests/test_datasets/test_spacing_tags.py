"""DICOM spacing tags: validated like spacing typed by hand, detector
spacing corrected by the magnification factor, problems named."""
import numpy as np
import pytest

from hyatt_mmpose.datasets import read_radiograph
from ..dicom_files import write_dicom

PIXELS = np.arange(0, 4000, 10, dtype=np.uint16).reshape(20, 20)


@pytest.mark.parametrize(
    'value',
    ['0.1', ['0.2', '0', '0.2'], ['0', '0'], ['-0.1', '0.1'], ['nan', '0.1']])
def test_unusable_pixel_spacing_gives_no_mm_and_a_named_warning(
        tmp_path, value):
    path = write_dicom(tmp_path / 'bad.dcm', PIXELS, PixelSpacing=value)
    with pytest.warns(UserWarning, match='PixelSpacing'):
        image = read_radiograph(path)
    assert image.pixel_spacing is None and image.spacing_source is None
    assert len(image.warnings) == 1
    assert image.warnings[0].startswith(path)
    assert 'PixelSpacing' in image.warnings[0]


def test_detector_spacing_is_divided_by_the_magnification(tmp_path):
    path = write_dicom(
        tmp_path / 'mag.dcm',
        PIXELS,
        imager_pixel_spacing=(0.15, 0.12),
        EstimatedRadiographicMagnificationFactor='1.1')
    image = read_radiograph(path)
    np.testing.assert_allclose(image.pixel_spacing, [0.12 / 1.1, 0.15 / 1.1])
    assert image.spacing_source == \
        'ImagerPixelSpacing / EstimatedRadiographicMagnificationFactor'
    plain = read_radiograph(
        write_dicom(
            tmp_path / 'det.dcm', PIXELS, imager_pixel_spacing=(0.15, 0.12)))
    np.testing.assert_allclose(plain.pixel_spacing, [0.12, 0.15])
    assert plain.spacing_source == 'ImagerPixelSpacing'


def test_pixel_spacing_is_taken_as_the_patients(tmp_path):
    # PixelSpacing is already in the patient's plane: no correction.
    image = read_radiograph(
        write_dicom(
            tmp_path / 'ps.dcm',
            PIXELS,
            pixel_spacing=(0.1, 0.1),
            EstimatedRadiographicMagnificationFactor='1.1'))
    np.testing.assert_allclose(image.pixel_spacing, [0.1, 0.1])
    assert image.spacing_source == 'PixelSpacing'


def test_unusable_magnification_gives_no_mm(tmp_path):
    path = write_dicom(
        tmp_path / 'zero.dcm',
        PIXELS,
        imager_pixel_spacing=(0.15, 0.15),
        EstimatedRadiographicMagnificationFactor='0')
    with pytest.warns(UserWarning, match='MagnificationFactor'):
        image = read_radiograph(path)
    assert image.pixel_spacing is None
