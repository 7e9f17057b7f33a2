"""Flip test and level choice, shared by every multi-level head."""
import numpy as np
import pytest
import torch
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
