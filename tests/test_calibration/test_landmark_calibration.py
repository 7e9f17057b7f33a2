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


def _edited(tmp_path, edit):
    """A saved calibration's JSON after ``edit(doc)``, written back."""
    path = str(tmp_path / 'cal.json')
    make().save(path)
    doc = json.load(open(path))
    edit(doc)
    with open(path, 'w') as f:
        json.dump(doc, f)
    return path


def test_thresholds_that_disagree_with_the_scores_are_refused(tmp_path):
    """The issue's case: hand-edited thresholds used to be recomputed
    silently from the scores."""

    def halve(doc):
        doc['thresholds'][1] /= 2

    with pytest.raises(
            CalibrationError,
            match=r'"thresholds" do not follow from its "scores" '
            r'\(landmark 2'):
        LandmarkCalibration.load(_edited(tmp_path, halve))


@pytest.mark.parametrize('field, value', [('score', 'radial'),
                                          ('coverage', 0.9),
                                          ('peak_fraction', 0.5),
                                          ('record', dict(split='test'))])
def test_any_other_edit_is_refused(tmp_path, field, value):
    """The issue's case: a score changed from adaptive to radial was
    accepted (radii 0.954 -> 0.289 mm). Other members: coverage (with its
    thresholds kept), the spread's peak fraction, the record."""

    def change(doc):
        doc[field] = value
        if field == 'coverage':  # keep the thresholds consistent
            doc['thresholds'] = make().at_coverage(
                value).to_dict()['thresholds']

    with pytest.raises(CalibrationError, match='changed since it was written'):
        LandmarkCalibration.load(_edited(tmp_path, change))


def test_non_finite_numbers_are_refused(tmp_path):
    path = tmp_path / 'cal.json'
    make().save(str(path))
    text = path.read_text().replace('"coverage": 0.95', '"coverage": NaN')
    path.write_text(text)
    with pytest.raises(CalibrationError, match='NaN is not a JSON number'):
        LandmarkCalibration.load(str(path))


def test_images_outside_the_calibrated_range_are_named(tmp_path):
    cal = make()
    cal.record['image_properties'] = dict(
        pixel_spacing_mm=[0.1, 0.1],
        width_px=[1935, 1935],
        height_px=[2400, 2400])
    assert cal.image_warning([0.1, 0.1], (2400, 1935)) is None
    assert 'pixel_spacing_mm 0.1-0.1, this one has 0.3' in \
        cal.image_warning([0.3, 0.3], (2400, 1935))
    assert 'width_px 1935-1935, this one has 1000' in \
        cal.image_warning([0.1, 0.1], (2400, 1000))
