"""Flip test and level choice, shared by every multi-level head."""
import numpy as np
import pytest
import torch
from mmpose.registry import KEYPOINT_CODECS
from mmpose.structures import PoseDataSample

from hyatt_mmpose.models import BaseMultiLevelHeatmapHead
from .test_multi_resolution_heatmap_head import (INPUT, POINTS, SIGMAS,
                                                 STRIDES, codecs, encode)


class GivenHeatmaps(BaseMultiLevelHeatmapHead):
    """A head whose 'features' are already its heatmaps."""

    def forward(self, feats):
        return list(feats)


def rendered(points, strides=STRIDES, sigmas=SIGMAS):
    return [h[None] for h in encode(points, strides, sigmas)[1]]


def mirrored(points):
    """Where the landmarks of the left-right mirrored input lie."""
    out = points.copy()
    out[..., 0] = INPUT[0] - 1 - out[..., 0]
    return out


@pytest.mark.parametrize('shift,offset', [('exact', 0.), (True, 0.5)])
def test_flip_test_of_a_mirror_consistent_model(shift, offset):
    # A model that finds every landmark of the mirrored input where it is:
    # the exact flip-back gives the same landmarks as no flip test, at every
    # level; mmpose's one-pixel shift moves them by half an input pixel.
    head = GivenHeatmaps(STRIDES, codecs())
    plain = head.predict(rendered(POINTS), [PoseDataSample()])[0].keypoints
    np.testing.assert_allclose(plain, POINTS, atol=0.1)
    for level, (stride, sigma) in enumerate(zip(STRIDES, SIGMAS)):
        one = GivenHeatmaps((stride, ), codecs((stride, ), (sigma, )))
        pred = one.predict([
            rendered(POINTS, (stride, ), (sigma, )),
            rendered(mirrored(POINTS), (stride, ), (sigma, ))
        ], [PoseDataSample()], dict(flip_test=True,
                                    shift_heatmap=shift))[0].keypoints
        np.testing.assert_allclose(
            pred[..., 0],
            POINTS[..., 0] + offset,
            atol=0.1,
            err_msg=f'stride {stride}')
        np.testing.assert_allclose(pred[..., 1], POINTS[..., 1], atol=0.1)


def test_unknown_shift_is_refused():
    head = GivenHeatmaps(STRIDES, codecs())
    levels = rendered(POINTS)
    with pytest.raises(ValueError, match='shift_heatmap'):
        head.predict([levels, levels], [PoseDataSample()],
                     dict(flip_test=True, shift_heatmap='half'))


@pytest.mark.parametrize('order', [(4, 2, 1), (1, 2, 4)])
def test_finest_is_the_smallest_stride_in_any_order(order):
    sigmas = [SIGMAS[STRIDES.index(s)] for s in order]
    levels = rendered(POINTS, order, sigmas)
    # spoil every level but the stride-1 one by 2 heatmap pixels
    for i, stride in enumerate(order):
        if stride != 1:
            levels[i] = torch.roll(levels[i], shifts=2, dims=-1)
    head = GivenHeatmaps(order, codecs(order, sigmas), combine='finest')
    assert order[head.finest_level] == 1
    pred = head.decode(levels)[0].keypoints
    np.testing.assert_allclose(pred, POINTS, atol=0.1)


@pytest.mark.parametrize('order', [(4, 4), (2, 1, 4), (4, 1, 2)])
def test_repeated_or_unsorted_strides_are_refused(order):
    sigmas = [2] * len(order)
    with pytest.raises(ValueError, match='strides must differ and run'):
        GivenHeatmaps(order, codecs(order, sigmas))


# A level without a peak (issue #23): an input large enough for the issue's
# landmark at input pixel (64, 40), with one more landmark peaked everywhere.
PEAK_INPUT = (128, 96)  # (W, H)
PEAK_POINTS = np.array([[[64., 40.], [90.3, 61.7]]])


def peak_codecs(strides=STRIDES):
    return [
        dict(
            type='MSRAHeatmap',
            input_size=PEAK_INPUT,
            heatmap_size=(PEAK_INPUT[0] // s, PEAK_INPUT[1] // s),
            sigma=2,
            unbiased=True,
            blur_kernel_size=11) for s in strides
    ]


def peak_levels(points=PEAK_POINTS, strides=STRIDES):
    """(1, K, H / s, W / s) Gaussian heatmaps of ``points`` per level."""
    visible = np.ones(points.shape[:2], dtype=np.float32)
    return [
        torch.from_numpy(
            KEYPOINT_CODECS.build(c).encode(points, visible)['heatmaps'])[None]
        for c in peak_codecs(strides)
    ]


def decoded_alone(levels, strides):
    """Each level decoded by its own codec: (L, K, 2) and (L, K)."""
    out = [
        KEYPOINT_CODECS.build(c).decode(h[0].numpy())
        for c, h in zip(peak_codecs(strides), levels)
    ]
    return np.stack([k[0] for k, _ in out]), np.stack([s[0] for _, s in out])


@pytest.mark.parametrize('flat,value', [(2, -0.01), (0, 0.), (1, -0.5)])
def test_a_level_without_a_peak_never_moves_a_landmark(flat, value):
    """Issue #23: strides 4 and 2 peak at input (64, 40), stride 1 is flat at
    -0.01; the old mean took stride 1's (-1, -1) marker and gave (42.33,
    26.33) with score 0.66. Other members: a level whose maximum is exactly
    0 (mmpose's codec marks it too), the stride-2 level flat. Landmark 1
    peaks at every level and keeps the mean of all three."""
    levels = peak_levels()
    levels[flat][0, 0] = value
    pred = GivenHeatmaps(STRIDES, peak_codecs()).decode(levels)[0]
    coords, maxima = decoded_alone(levels, STRIDES)
    peaked = [i for i in range(3) if i != flat]
    want, want_score = coords[peaked, 0].mean(0), maxima[peaked, 0].mean()
    np.testing.assert_allclose(pred.keypoints[0, 0], want)
    np.testing.assert_allclose(pred.keypoints[0, 0], [64, 40], atol=0.1)
    np.testing.assert_allclose(pred.keypoint_scores[0, 0], want_score)
    np.testing.assert_allclose(pred.keypoints[0, 1], coords[:, 1].mean(0))
    np.testing.assert_allclose(pred.keypoint_scores[0, 1], maxima[:, 1].mean())


@pytest.mark.parametrize('combine', ['mean', 'finest'])
def test_a_landmark_without_any_peak_keeps_the_marker_and_is_flagged(combine):
    """Every level flat (one at 0, the others negative): the no-peak marker,
    (-1, -1) input pixels, not the mean of the levels' markers (-2.33, the
    old answer), and the largest maximum (<= 0) as score, which
    landmark_flags flags; with ``combine='finest'``, a flat finest level."""
    from hyatt_mmpose.apis.landmark_checks import NO_PEAK, landmark_flags
    from hyatt_mmpose.models.heads.base_multi_level_heatmap_head import \
        NO_PEAK_POSITION
    levels = peak_levels()
    for level, value in zip(levels, (-0.2, 0., -0.01)):
        level[0, 0] = value
    pred = GivenHeatmaps(
        STRIDES, peak_codecs(), combine=combine).decode(levels)[0]
    np.testing.assert_array_equal(pred.keypoints[0, 0], [NO_PEAK_POSITION] * 2)
    largest = 0. if combine == 'mean' else -0.01
    assert pred.keypoint_scores[0, 0] == np.float32(largest)
    flags = landmark_flags(pred.keypoints[0], pred.keypoint_scores[0],
                           PEAK_INPUT[::-1])
    assert NO_PEAK in flags[0] and flags[1] == []


def test_flip_test_averaging_a_level_without_a_peak():
    """Flip test (exact shift, a mirror-consistent model): the stride-1
    level is flat at -0.01 in both the image and its mirror, so its average
    has no peak either; the landmark is that of the other two levels."""
    mirrored = PEAK_POINTS.copy()
    mirrored[..., 0] = PEAK_INPUT[0] - 1 - mirrored[..., 0]
    levels, levels_flip = peak_levels(), peak_levels(mirrored)
    levels[2][0, 0] = levels_flip[2][0, 0] = -0.01
    head = GivenHeatmaps(STRIDES, peak_codecs())
    pred = head.predict([levels, levels_flip], [PoseDataSample()],
                        dict(flip_test=True, shift_heatmap='exact'))[0]
    np.testing.assert_allclose(pred.keypoints[0, 0], [64, 40], atol=0.1)
    assert pred.keypoint_scores[0, 0] > 0.5
