import numpy as np
import pytest

from hyatt_mmpose.calibration import heatmap_spread, spread_mm


def gaussian(h, w, centre, sigma):
    ys, xs = np.mgrid[0:h, 0:w]
    return np.exp(-((xs - centre[0])**2 + (ys - centre[1])**2) /
                  (2 * sigma**2))


@pytest.mark.parametrize('sigma', [8.0, 12.0, 16.0])
def test_gaussian_spread_matches_the_truncated_moment(sigma):
    maps = gaussian(200, 240, (110, 90), sigma)[None]
    # a 2-D Gaussian's mass above a quarter of its peak: per axis,
    # E[x^2] = sigma^2 (1 - ln(4) / 3); plus one pixel's 1/12
    expected = np.sqrt(sigma**2 * (1 - np.log(4) / 3) + 1 / 12)
    np.testing.assert_allclose(heatmap_spread(maps)[0], expected, rtol=0.02)


def test_pixel_weights_by_hand():
    # peak 1, its four neighbours 0.5, corners 0.1 (below a quarter): along
    # x, weight 0.5 at distance 1 on each side of a total of 3
    maps = np.array([[[0.1, 0.5, 0.1], [0.5, 1.0, 0.5], [0.1, 0.5, 0.1]]])
    np.testing.assert_allclose(
        heatmap_spread(maps)[0], np.sqrt(1 / 3 + 1 / 12))


def test_second_mode_and_flat_maps():
    one = gaussian(100, 100, (30, 50), 3)
    two = one + 0.8 * gaussian(100, 100, (70, 50), 3)
    spread = heatmap_spread(np.stack([one, two, -one]))
    assert spread[1, 0] > 5 * spread[0, 0]  # x: the modes lie 40 px apart
    np.testing.assert_allclose(spread[1, 1], spread[0, 1], rtol=0.05)
    assert np.all(np.isinf(spread[2]))  # no positive value


def test_spread_in_mm_follows_framing_and_spacing():
    maps = np.stack(
        [gaussian(80, 64, (30, 40), 3),
         gaussian(80, 64, (20, 20), 6)])
    per_axis = heatmap_spread(maps)
    # 64 x 80 heatmap over a 640 x 800 px region: 10 px per heatmap pixel;
    # then 0.1 mm along x, 0.2 mm along y
    got = spread_mm(maps, (640, 800), [0.1, 0.2])
    x_mm, y_mm = per_axis[:, 0] * 1.0, per_axis[:, 1] * 2.0
    np.testing.assert_allclose(got, np.sqrt((x_mm**2 + y_mm**2) / 2))


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match=r'\(K, H, W\)'):
        heatmap_spread(np.zeros((4, 4)))
    with pytest.raises(ValueError, match='peak_fraction'):
        heatmap_spread(np.zeros((1, 4, 4)), peak_fraction=0)
