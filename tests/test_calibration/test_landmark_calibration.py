import json

import numpy as np
import pytest

from hyatt_mmpose.calibration import CalibrationError, LandmarkCalibration


def make(n=19, names=('a', 'b'), score='adaptive'):
    rng = np.random.default_rng(0)
    return LandmarkCalibration(
        0.95,
        score,
        list(names),
        rng.random((n, len(names))),
        measurement_errors=dict(ANB=rng.random(n)),
        record=dict(split='cal', image_ids=list(range(n))))


def test_file_round_trip(tmp_path):
    cal = make()
    path = str(tmp_path / 'cal.json')
    cal.save(path)
    back = LandmarkCalibration.load(path)
    np.testing.assert_array_equal(back.thresholds, cal.thresholds)
    np.testing.assert_array_equal(back.thresholds, cal.scores.max(axis=0))
    assert back.measurement_margins == cal.measurement_margins
    assert back.record['image_ids'] == list(range(19))
    doc = json.load(open(path))
    assert (doc['coverage'], doc['n'], doc['rank'], doc['score']) == \
        (0.95, 19, 19, 'adaptive')
    assert doc['note'] is None


def test_too_few_images_give_infinite_radii_and_say_how_many(tmp_path):
    cal = make(n=10)
    assert np.all(np.isinf(cal.radii_mm(np.ones(2))))
    assert '19 or more are needed' in cal.shortfall()
    cal.save(str(tmp_path / 'few.json'))
    doc = json.load(open(tmp_path / 'few.json'))
    assert doc['thresholds'] == [None, None] and doc['rank'] is None
    assert np.all(
        np.isinf(
            LandmarkCalibration.load(str(tmp_path / 'few.json')).thresholds))


def test_radii_of_each_score():
    adaptive, radial = make(), make(score='radial')
    spreads = np.array([[1.0, 2.0], [3.0, 0.5]])
    np.testing.assert_allclose(
        adaptive.radii_mm(spreads), spreads * adaptive.thresholds)
    np.testing.assert_allclose(
        radial.radii_mm(spreads), np.tile(radial.thresholds, (2, 1)))


def test_other_models_landmarks_are_refused(tmp_path):
    path = str(tmp_path / 'cal.json')
    make().save(path)
    cal = LandmarkCalibration.load(path)
    cal.check_names(['a', 'b'], path)
    with pytest.raises(
            CalibrationError,
            match='cal.json: calibrated for 2 '
            'landmarks, the model has 3'):
        cal.check_names(['a', 'b', 'c'], path)
    with pytest.raises(
            CalibrationError,
            match='cal.json: landmark 2 is "b" there and "x" in the model'):
        cal.check_names(['a', 'x'], path)


def test_files_that_are_not_calibrations_are_named(tmp_path):
    other = tmp_path / 'metrics.json'
    other.write_text(json.dumps(dict(MRE=1.0)))
    with pytest.raises(
            CalibrationError, match='metrics.json: not a calibration file'):
        LandmarkCalibration.load(str(other))
    broken = tmp_path / 'broken.json'
    broken.write_text('{')
    with pytest.raises(CalibrationError, match='broken.json: cannot be read'):
        LandmarkCalibration.load(str(broken))
