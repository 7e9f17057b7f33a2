"""The pure functions the metrics, the hook and the tools share."""
import numpy as np
import pytest

from hyatt_mmpose.evaluation.functional import (landmark_errors, mre_sdr,
                                                reference_spacing)


def test_errors_with_anisotropic_spacing_and_missing_landmarks():
    pred = np.array([[3., 4.], [0., 0.], [1., 1.]])
    gt = np.zeros((3, 2))
    errors = landmark_errors(pred, gt, np.array([1, 1, 0]), [0.1, 0.2])
    np.testing.assert_allclose(errors[:2], [np.hypot(0.3, 0.8), 0.])
    assert np.isnan(errors[2])


def test_mre_and_sdr_by_hand():
    errors = np.array([[1., 2.5, np.nan], [3., 5., 2.]])
    metrics = mre_sdr(errors, (2, 3))
    assert metrics['MRE'] == pytest.approx(13.5 / 5)
    assert metrics['MRE_std'] == pytest.approx(np.std([1., 2.5, 3., 5., 2.]))
    assert metrics['SDR_2.0mm'] == pytest.approx(40.)
    assert metrics['SDR_3.0mm'] == pytest.approx(80.)
    assert set(mre_sdr(errors, (2, ),
                       'px')) == {'MRE_px', 'MRE_std_px', 'SDR_2.0px'}


def test_reference_spacing_makes_the_distance_its_length():
    gt = np.array([[0., 0.], [30., 40.]])
    np.testing.assert_allclose(
        reference_spacing(gt, np.ones(2), (0, 1), 50.), [1., 1.])
    with pytest.raises(ValueError, match='hand.png: reference landmarks'):
        reference_spacing(gt, np.array([1, 0]), (0, 1), 50., 'hand.png')
