import numpy as np
import pytest

from hyatt_mmpose.calibration import (LandmarkCalibration, conformal_rank,
                                      conformal_threshold,
                                      min_calibration_size)


def test_rank_rule_of_the_issue():
    assert conformal_rank(19, 0.9) == 18
    assert conformal_rank(9, 0.95) is None
    assert conformal_rank(19, 0.95) == 19
    assert min_calibration_size(0.95) == 19
    assert min_calibration_size(0.9) == 9


@pytest.mark.parametrize('numerator,denominator', [(1, 2), (4, 5), (9, 10),
                                                   (19, 20), (99, 100),
                                                   (3, 7)])
def test_rank_equals_integer_ceiling(numerator, denominator):
    coverage = numerator / denominator
    for n in range(0, 300):
        # ceil((n + 1) * a / b) in integers, independent of Fraction
        k = -(-(n + 1) * numerator // denominator)
        assert conformal_rank(n, coverage) == (k if k <= n else None), n
    smallest = min_calibration_size(coverage)
    assert conformal_rank(smallest, coverage) is not None
    assert conformal_rank(smallest - 1, coverage) is None


def test_threshold_is_the_kth_smallest_and_ignores_nan():
    rng = np.random.default_rng(0)
    scores = rng.random((19, 3))
    scores[4, 2] = np.nan  # one landmark not annotated on one image
    t = conformal_threshold(scores, 0.9)
    np.testing.assert_array_equal(t[:2], np.sort(scores[:, :2], axis=0)[17])
    # 18 scores left at 90 %: ceil(19 * 0.9) = 18, the largest
    assert t[2] == np.nanmax(scores[:, 2])
    assert np.all(np.isinf(conformal_threshold(scores[:9], 0.95)))


def test_bad_coverage_is_refused():
    with pytest.raises(ValueError, match='between 0 and 1'):
        conformal_rank(10, 95)


def _rayleigh(rng, sigma):
    """Radial error of a 2-D Gaussian point with per-axis sigma."""
    return sigma * np.sqrt((rng.standard_normal(
        (*np.shape(sigma), 2))**2).sum(-1))


@pytest.mark.parametrize('score', ['radial', 'adaptive'])
def test_coverage_holds_on_exchangeable_data(score):
    """n = 19 calibration images and one new one, 4000 times: for continuous
    scores the coverage is exactly k / (n + 1) = 95 %."""
    rng = np.random.default_rng(1)
    trials, n = 4000, 19
    sigma = rng.uniform(0.5, 3.0, (trials, n + 1))  # the known noise level
    errors = _rayleigh(rng, sigma)
    scores = errors / sigma if score == 'adaptive' else errors
    covered = []
    for t in range(trials):
        cal = LandmarkCalibration(0.95, score, ['p'], scores[t, :n, None])
        radius = cal.radii_mm(sigma[t, n:, None])[0, 0]
        covered.append(errors[t, n] <= radius)
    se = np.sqrt(0.95 * 0.05 / trials)
    assert abs(np.mean(covered) - 0.95) < 4 * se


def test_adaptive_radius_grows_with_the_noise_and_covers_each_level():
    rng = np.random.default_rng(2)
    sigma = rng.choice([0.5, 1.0, 3.0], 3000)
    errors = _rayleigh(rng, sigma)
    half = 1500
    adaptive = LandmarkCalibration(0.9, 'adaptive', ['p'],
                                   (errors / sigma)[:half, None])
    radial = LandmarkCalibration(0.9, 'radial', ['p'], errors[:half, None])
    radii = adaptive.radii_mm(np.array([[0.5], [1.0], [3.0]]))[:, 0]
    np.testing.assert_allclose(radii / [0.5, 1.0, 3.0], radii[0] / 0.5)
    # held-out coverage per noise level: the adaptive radius holds at each,
    # the single radial one over-covers easy and under-covers hard points
    test_sigma, test_errors = sigma[half:], errors[half:]
    for level in (0.5, 3.0):
        pick = test_sigma == level
        a = np.mean(
            test_errors[pick] <= adaptive.radii_mm(test_sigma[pick, None])[:,
                                                                           0])
        r = np.mean(test_errors[pick] <= radial.thresholds[0])
        se = np.sqrt(0.09 / pick.sum())
        assert abs(a - 0.9) < 4 * se
        assert (r > 0.97) if level == 0.5 else (r < 0.8)
