"""Validation drawings land in the work dir through the visualizer."""
import glob
import os.path as osp

import cv2
import pytest
from mmengine.runner import Runner

from ..utils import tiny_config


@pytest.mark.slow
def test_validation_images_are_drawn(synthetic_root, tmp_path):
    cfg = tiny_config(synthetic_root, str(tmp_path / 'work'), max_epochs=1)
    cfg.custom_hooks = [dict(type='LandmarkVisualizationHook', num_images=3)]
    Runner.from_cfg(cfg).train()
    drawn = sorted(
        glob.glob(
            osp.join(
                str(tmp_path / 'work'), '*', 'vis_data', 'vis_image',
                'val_*.png')))
    assert len(drawn) == 3
    original = cv2.imread(osp.join(synthetic_root, 'images', 'val_0000.png'))
    image = cv2.imread(next(p for p in drawn if 'val_0000' in p))
    assert image.shape == original.shape
    assert (image != original).any()
