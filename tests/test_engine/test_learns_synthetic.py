"""HYATT-Net (the demo preset at 64 x 64) learns the synthetic landmarks.

Measured on 2 CPU cores (50 s of training, 15 epochs of 96 images): MRE
0.35 mm on the 24 test images, against 3.42 mm for always predicting each
landmark's mean training position.
"""
import json
import os.path as osp

import numpy as np
import pytest
from mmengine.runner import Runner

from hyatt_mmpose.datasets.synthetic import make_synthetic_dataset
from ..utils import tiny_config


def mean_position_mre(root: str) -> float:
    """MRE (mm) of predicting each landmark's mean training position."""

    def load(split):
        doc = json.load(open(osp.join(root, 'annotations', f'{split}.json')))
        points = np.array([a['keypoints'] for a in doc['annotations']])
        spacing = np.array([i['pixel_spacing'] for i in doc['images']])
        return points.reshape(len(points), -1, 3)[..., :2], spacing

    train, _ = load('train')
    test, spacing = load('test')
    errors = np.linalg.norm(test - train.mean(0), axis=-1)
    return float((errors * spacing[:, None]).mean())


@pytest.mark.slow
def test_model_beats_the_mean_position_baseline(tmp_path):
    import hyatt_mmpose  # noqa: F401
    root = str(tmp_path / 'data')
    make_synthetic_dataset(
        root, (('train', 96), ('val', 8), ('test', 24)), size=128, seed=1)
    cfg = tiny_config(root, str(tmp_path / 'work'), max_epochs=15)
    cfg.train_dataloader.batch_size = 8
    cfg.train_cfg.val_interval = 15
    cfg.default_hooks.logger.interval = 12
    runner = Runner.from_cfg(cfg)
    runner.train()
    model_mre = runner.test()['MRE']
    baseline = mean_position_mre(root)
    print(f'HYATT-Net MRE {model_mre:.2f} mm; mean-position baseline '
          f'{baseline:.2f} mm')
    assert model_mre < 0.5 * baseline
