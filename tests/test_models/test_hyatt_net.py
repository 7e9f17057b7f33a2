"""The full HYATT-Net as its config assembles it."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmpose.registry import MODELS

from .helpers import training_batch

CONFIGS = osp.join(osp.dirname(__file__), '..', '..', 'configs')


def small_input_model_cfg(input_size=(128, 96)):
    """The published model at a CPU-sized input, codecs resized to match."""
    cfg = Config.fromfile(osp.join(CONFIGS, 'hyatt_cephalometric.py'))
    codec = [
        dict(
            c,
            input_size=input_size,
            heatmap_size=(input_size[0] // s, input_size[1] // s))
        for c, s in zip(cfg.codec, (4, 2, 1))
    ]
    cfg.model.head.decoder = codec
    return cfg.model, codec


@pytest.mark.slow
def test_loss_step_gives_every_parameter_a_gradient():
    import hyatt_mmpose  # noqa: F401
    torch.manual_seed(0)
    model_cfg, codec = small_input_model_cfg()
    model = MODELS.build(model_cfg)
    model.init_weights()  # as the Runner does
    model.train()
    batch = model.data_preprocessor(training_batch(codec, 19), training=True)
    losses = model(**batch, mode='loss')
    assert sorted(losses) == ['loss_kpt_s1', 'loss_kpt_s2', 'loss_kpt_s4']
    sum(losses.values()).backward()
    for name, p in model.named_parameters():
        assert p.grad is not None, f'{name} took no part'
        assert torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, f'{name} has a zero gradient'


def test_predict_returns_landmarks_and_scores():
    # Where they land is checked by test_engine/test_pipeline_roundtrip.py.
    import hyatt_mmpose  # noqa: F401
    model_cfg, codec = small_input_model_cfg()
    model = MODELS.build(model_cfg)
    model.eval()
    batch = model.data_preprocessor(training_batch(codec, 19), training=False)
    with torch.no_grad():
        results = model(**batch, mode='predict')
    assert len(results) == 2
    keypoints = results[0].pred_instances.keypoints
    assert keypoints.shape == (1, 19, 2)
    assert np.isfinite(keypoints).all()
    assert results[0].pred_instances.keypoint_scores.shape == (1, 19)
