import numpy as np
import pytest
import torch
from mmengine.structures import InstanceData
from mmpose.registry import KEYPOINT_CODECS
from mmpose.structures import MultilevelPixelData, PoseDataSample

from hyatt_mmpose.models import MultiResolutionHeatmapHead

INPUT = (64, 48)  # (W, H)
STRIDES = (4, 2, 1)
SIGMAS = (2, 2, 4)
# Sub-pixel points at least 3 sigma from the border at every level, where a
# Gaussian is whole and decodes without bias.
POINTS = np.array([[[20.3, 17.6], [41.85, 30.2], [30.55, 23.1]]])


def codecs(strides=STRIDES, sigmas=SIGMAS):
    return [
        dict(
            type='MSRAHeatmap',
            input_size=INPUT,
            heatmap_size=(INPUT[0] // s, INPUT[1] // s),
            sigma=sigma,
            unbiased=True,
            blur_kernel_size=6 * sigma - 1)
        for s, sigma in zip(strides, sigmas)
    ]


def make_head(strides=STRIDES, sigmas=SIGMAS, **kwargs):
    return MultiResolutionHeatmapHead(
        in_channels=6,
        out_channels=3,
        strides=strides,
        decoder=codecs(strides, sigmas),
        **kwargs)


def encode(points: np.ndarray, strides=STRIDES, sigmas=SIGMAS):
    """Targets as GenerateTarget(multilevel=True) + PackPoseInputs give."""
    levels = [KEYPOINT_CODECS.build(c) for c in codecs(strides, sigmas)]
    visible = np.ones(points.shape[:2], dtype=np.float32)
    encoded = [c.encode(points, visible) for c in levels]
    sample = PoseDataSample()
    fields = MultilevelPixelData()
    fields.set_field([e['heatmaps'] for e in encoded], 'heatmaps')
    sample.gt_fields = fields.to_tensor()
    labels = InstanceData(
        keypoint_weights=np.stack([e['keypoint_weights'] for e in encoded]))
    sample.gt_instance_labels = labels.to_tensor()
    return sample, [torch.from_numpy(e['heatmaps']) for e in encoded]


def features(batch=2):
    return tuple(
        torch.randn(batch, 6, INPUT[1] // s, INPUT[0] // s) for s in STRIDES)


def test_forward_shapes():
    heatmaps = make_head()(features())
    assert [h.shape for h in heatmaps] == [(2, 3, INPUT[1] // s, INPUT[0] // s)
                                           for s in STRIDES]


@pytest.mark.parametrize('stride,sigma', list(zip(STRIDES, SIGMAS)))
def test_decodes_a_rendered_gaussian_to_its_centre(stride, sigma):
    points = POINTS
    _, heatmaps = encode(points, (stride, ), (sigma, ))
    head = make_head((stride, ), (sigma, ))
    pred = head.decode([heatmaps[0][None]])[0]
    assert pred.keypoints.shape == (1, 3, 2)
    np.testing.assert_allclose(pred.keypoints, points, atol=0.1)


def test_mean_and_finest_combinations():
    points = POINTS
    _, heatmaps = encode(points)
    levels = [h[None] for h in heatmaps]
    # Move the stride-4 peak of landmark 0 by 2 heatmap px (8 input px).
    levels[0] = levels[0].clone()
    levels[0][0, 0] = torch.roll(levels[0][0, 0], shifts=2, dims=1)
    mean = make_head().decode(levels)[0].keypoints
    finest = make_head(combine='finest').decode(levels)[0].keypoints
    np.testing.assert_allclose(finest, points, atol=0.1)
    np.testing.assert_allclose(
        mean[0, 0, 0], points[0, 0, 0] + 8 / 3, atol=0.1)
    np.testing.assert_allclose(mean[0, 1:], points[0, 1:], atol=0.1)


def test_one_loss_term_per_level_with_weights():
    points = POINTS
    samples = [encode(points)[0] for _ in range(2)]
    feats = features()
    torch.manual_seed(0)
    head = make_head(loss_weights=(1.0, 0.5, 2.0))
    losses = head.loss(feats, samples)
    assert sorted(losses) == ['loss_kpt_s1', 'loss_kpt_s2', 'loss_kpt_s4']
    preds = head.forward(feats)
    for (stride, w), pred in zip(zip(STRIDES, (1.0, 0.5, 2.0)), preds):
        target = torch.stack(
            [s.gt_fields[STRIDES.index(stride)].heatmaps for s in samples])
        # KeypointMSELoss: the mean squared error over all heatmap pixels.
        expected = w * ((pred - target)**2).mean()
        torch.testing.assert_close(losses[f'loss_kpt_s{stride}'], expected)


def test_flip_test_averages_without_swapping():
    head = make_head()
    head.eval()
    feats = features(1)
    flipped = tuple(f.flip(-1) for f in feats)
    sample = PoseDataSample(metainfo=dict(flip_indices=[1, 0, 2]))
    with torch.no_grad():
        preds, fields = head.predict([feats, flipped], [sample],
                                     dict(
                                         flip_test=True, output_heatmaps=True))
        levels = head.forward(feats)
        back = [h.flip(-1) for h in head.forward(flipped)]
    expected = (levels[-1] + back[-1]) * 0.5
    torch.testing.assert_close(fields[0].heatmaps, expected[0])
    assert preds[0].keypoints.shape == (1, 3, 2)


def test_mismatched_targets_are_reported():
    points = POINTS
    sample, _ = encode(points)
    feats = tuple(
        torch.randn(1, 6, INPUT[1] // s + 1, INPUT[0] // s) for s in STRIDES)
    with pytest.raises(ValueError, match='heatmap_size'):
        make_head().loss(feats, [sample])
