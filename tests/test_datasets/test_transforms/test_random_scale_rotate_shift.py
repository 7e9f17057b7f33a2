"""The released augmentation's draws against their stated distributions."""
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmpose.registry import TRANSFORMS
from scipy import stats

from hyatt_mmpose.datasets import RandomScaleRotateShift
from ...utils import REPO_ROOT

N = 20000


def clipped_normal(sigma: float, limit: float):
    """Mean-zero normal clipped at +-limit: P(at a limit), std."""
    z = limit / sigma
    inside = stats.norm.cdf(z) - stats.norm.cdf(-z)
    second_moment = sigma**2 * (inside - 2 * z * stats.norm.pdf(z)) + \
        limit**2 * (1 - inside)
    return 1 - inside, np.sqrt(second_moment)


def draws(transform):
    np.random.seed(0)
    box = np.array([[200., 100.]])
    out = [
        transform(dict(bbox_center=np.array([[50., 60.]]), bbox_scale=box))
        for _ in range(N)
    ]
    scale = np.array([o['bbox_scale'][0, 0] / box[0, 0] for o in out])
    rotation = np.array([o['bbox_rotation'][0] for o in out])
    shift = np.array([(o['bbox_center'][0] - [50., 60.]) / o['bbox_scale'][0]
                      for o in out])
    return scale, rotation, shift


def close(value, expected, std_error):
    assert abs(value - expected) < 5 * std_error, (value, expected)


def test_draws_follow_the_released_distributions():
    scale, rotation, shift = draws(RandomScaleRotateShift())
    # scale: N(1, 0.5) clipped to [0.5, 1.5], always
    at_limit, std = clipped_normal(0.5, 0.5)
    assert scale.min() == 0.5 and scale.max() == 1.5
    close(
        np.mean((scale == 0.5) | (scale == 1.5)), at_limit,
        np.sqrt(at_limit * (1 - at_limit) / N))
    close(scale.mean(), 1.0, std / np.sqrt(N))
    close(scale.std(), std, std / np.sqrt(2 * N))
    # rotation: N(0, 40) clipped to +-80 degrees, with probability 0.6
    rotated = rotation[rotation != 0]
    close(len(rotated) / N, 0.6, np.sqrt(0.6 * 0.4 / N))
    at_limit, std = clipped_normal(40., 80.)
    assert np.abs(rotated).max() == 80.
    close(
        np.mean(np.abs(rotated) == 80.), at_limit,
        np.sqrt(at_limit * (1 - at_limit) / len(rotated)))
    close(rotated.std(), std, std / np.sqrt(2 * len(rotated)))
    # shift: uniform within +-15 % of the scaled box, per axis, always
    assert np.abs(shift).max() <= 0.15
    for axis in range(2):
        close(shift[:, axis].mean(), 0., 0.15 / np.sqrt(3 * N))
        close(shift[:, axis].std(), 0.15 / np.sqrt(3),
              0.15 / np.sqrt(3 * 2 * N))


def test_parameters_are_checked():
    with pytest.raises(ValueError, match='scale_limits'):
        RandomScaleRotateShift(scale_limits=(1.2, 1.5))
    with pytest.raises(ValueError, match='rotate_prob'):
        RandomScaleRotateShift(rotate_prob=1.5)


def test_config_flips_with_the_released_probability():
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs', 'hyatt_cephalometric.py'))
    flip_cfg, = [t for t in cfg.train_pipeline if t.type == 'RandomFlip']
    flip = TRANSFORMS.build(flip_cfg)
    np.random.seed(0)
    flipped = 0
    for _ in range(4000):
        out = flip(
            dict(
                img=np.zeros((4, 6, 3), np.uint8),
                img_shape=(4, 6),
                bbox_center=np.array([[1., 2.]]),
                bbox=np.array([[0., 0., 2., 4.]]),
                keypoints=np.array([[[1., 2.]]]),
                keypoints_visible=np.ones((1, 1)),
                flip_indices=[0]))
        flipped += bool(out['flip'])
    close(flipped / 4000, 0.4, np.sqrt(0.24 / 4000))
