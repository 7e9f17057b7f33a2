"""BiFormer reused with mmpose's own HeatmapHead (17 COCO keypoints)."""
import os.path as osp

import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmpose.registry import MODELS

from .helpers import training_batch

CONFIG = osp.join(
    osp.dirname(__file__), '..', '..', 'configs',
    'biformer-tiny_heatmap_coco-256x192.py')


def test_coco_config_builds_and_trains_one_step():
    import hyatt_mmpose  # noqa: F401
    torch.manual_seed(0)
    cfg = Config.fromfile(CONFIG)
    model = MODELS.build(cfg.model)
    assert type(model.backbone).__name__ == 'BiFormer'
    assert type(model.head).__name__ == 'HeatmapHead'
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    before = model.backbone.stages[0][0].attn.qkv.weight.detach().clone()
    model.train()
    log = model.train_step(training_batch(cfg.codec, 17), optim)
    assert torch.isfinite(log['loss_kpt'])
    after = model.backbone.stages[0][0].attn.qkv.weight
    assert not torch.equal(before, after)
