import json

import numpy as np
import pytest

from hyatt_mmpose.adaptation import (SiteOffsets, SiteOffsetsError,
                                     offset_p_values)


def shifted_points(rng, k_images, shift_mm, spacing, noise_mm=0.5):
    """Predictions, and a site's points shifted by ``shift_mm`` plus
    noise, both in pixels of images with the given spacings."""
    pred = rng.uniform(100, 900, (k_images, len(shift_mm), 2))
    noise = rng.normal(0, noise_mm, pred.shape)
    gt = pred + (np.asarray(shift_mm) + noise) / spacing[:, None, :]
    return pred, gt


def test_known_shift_is_recovered_and_no_shift_stays_zero():
    rng = np.random.default_rng(0)
    shift = np.array([[2.0, -1.0], [0.0, 0.0], [0.0, 3.0], [0.0, 0.0]])
    spacing = rng.uniform(0.08, 0.2, (20, 2))
    pred, gt = shifted_points(rng, 20, shift, spacing)
    offsets = SiteOffsets.estimate(pred, gt, spacing, list('abcd'), 0.01)
    se = 0.5 / np.sqrt(20)
    np.testing.assert_allclose(
        offsets.offsets_mm[[0, 2]], shift[[0, 2]], atol=4 * se)
    assert np.all(offsets.offsets_mm[[1, 3]] == 0)
    assert np.all(offsets.p_values[[0, 2]] < 1e-6)


def test_p_values_are_uniform_without_a_shift():
    """Under the null the test rejects at its level: 5 % of 4000
    landmarks at alpha 0.05, within 4 binomial standard errors (a wrong F
    scaling or degrees of freedom moves this far off)."""
    rng = np.random.default_rng(3)
    differences = rng.normal(0, 1, (8, 4000, 2)) * [1.0, 3.0]
    p = offset_p_values(differences)
    se = np.sqrt(0.05 * 0.95 / 4000)
    assert abs(np.mean(p < 0.05) - 0.05) < 4 * se
    assert abs(np.mean(p < 0.5) - 0.5) < 4 * np.sqrt(0.25 / 4000)


def test_too_few_images_keep_every_offset_at_zero():
    rng = np.random.default_rng(1)
    spacing = np.full((2, 2), 0.1)
    pred, gt = shifted_points(rng, 2, [[5.0, 5.0]], spacing)
    offsets = SiteOffsets.estimate(pred, gt, spacing, ['a'])
    assert np.all(offsets.offsets_mm == 0) and offsets.p_values[0] == 1


@pytest.mark.parametrize('spacing', [[0.1, 0.1], [0.1, 0.25], [0.5, 0.2]])
def test_offsets_apply_in_pixels_of_any_spacing(spacing):
    offsets = SiteOffsets(['a', 'b'], [[1.0, -0.5], [0.0, 2.0]], [0.0, 0.0])
    points = np.array([[10.0, 20.0], [30.0, 40.0]])
    moved = offsets.apply(points, spacing)
    # back in mm, the move is the offset itself
    np.testing.assert_allclose((moved - points) * spacing, offsets.offsets_mm)


def test_file_round_trip_and_refusals(tmp_path):
    path = str(tmp_path / 'site.json')
    SiteOffsets(['a', 'b'], [[1.0, 0.0], [0.0, 0.0]], [0.01, 0.6], 0.05,
                dict(site='clinic A')).save(path)
    back = SiteOffsets.load(path)
    np.testing.assert_array_equal(back.offsets_mm, [[1.0, 0.0], [0.0, 0.0]])
    assert back.record['site'] == 'clinic A'
    with pytest.raises(SiteOffsetsError, match='site.json: offsets for'):
        back.check_names(['a', 'c'], path)
    doc = json.load(open(path))
    doc['offsets_mm'] = [[1.0]]
    (tmp_path / 'bad.json').write_text(json.dumps(doc))
    with pytest.raises(SiteOffsetsError, match='bad.json: "offsets_mm"'):
        SiteOffsets.load(str(tmp_path / 'bad.json'))


@pytest.mark.parametrize('constant', ['NaN', 'Infinity', '-Infinity'])
def test_non_finite_offsets_are_refused(tmp_path, constant):
    """The issue's case: NaN or Infinity in a site_offsets.json was
    accepted and written into the predictions as invalid JSON."""
    path = tmp_path / 'site_offsets.json'
    SiteOffsets(['a', 'b'], [[1.0, 0.0], [0.0, 2.0]],
                [0.0, 0.0]).save(str(path))
    path.write_text(path.read_text().replace('2.0', constant, 1))
    with pytest.raises(
            SiteOffsetsError,
            match='site_offsets.json: cannot be '
            f'read.*{constant} is not a JSON number'):
        SiteOffsets.load(str(path))


def test_edited_offsets_are_refused(tmp_path):
    path = tmp_path / 'site_offsets.json'
    SiteOffsets(['a', 'b'], [[1.0, 0.0], [0.0, 2.0]],
                [0.0, 0.0]).save(str(path))
    doc = json.load(open(path))
    doc['offsets_mm'][0][0] = 5.0
    path.write_text(json.dumps(doc))
    with pytest.raises(SiteOffsetsError, match='changed since it was written'):
        SiteOffsets.load(str(path))
    with pytest.raises(SiteOffsetsError, match='not finite'):
        SiteOffsets(['a'], [[np.nan, 0.0]], [0.0]).save(str(path))
