"""RefinedTopdownPoseEstimator: the frozen coarse stage loaded from its
checkpoint, the refinement's training, and its predictions."""
import copy

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmpose.registry import MODELS

from hyatt_mmpose.utils import (CheckpointMismatchError, ConfigError,
                                UnsafeCheckpointError)
from ...utils import REPO_ROOT, tiny_config, tiny_refined_config


@pytest.fixture
def configs(synthetic_root, tmp_path):
    coarse = tiny_config(synthetic_root, str(tmp_path / 'coarse'))
    refined = tiny_refined_config(synthetic_root, str(tmp_path / 'refined'),
                                  str(tmp_path / 'coarse.pth'))
    torch.manual_seed(0)
    model = MODELS.build(coarse.model)
    torch.save(dict(state_dict=model.state_dict()), tmp_path / 'coarse.pth')
    return coarse, refined, model


def _batch(cfg, n=2):
    rng = np.random.default_rng(0)
    pipeline = Compose(cfg.refine_pipeline)
    data = []
    for _ in range(n):
        h, w = 90, 70
        data.append(
            pipeline(
                dict(
                    img=rng.integers(0, 255, (h, w, 3), dtype=np.uint8),
                    img_path=None,
                    bbox=np.array([[0, 0, w, h]], np.float32),
                    bbox_score=np.ones(1, np.float32),
                    keypoints=rng.uniform(5, 60, (1, 19, 2)),
                    keypoints_visible=np.ones((1, 19), np.float32))))
    return pseudo_collate(data)


def test_training_needs_the_coarse_checkpoint(configs):
    _, refined, _ = configs
    refined.model.coarse_checkpoint = None
    model = MODELS.build(refined.model)
    with pytest.raises(ConfigError, match='model.coarse_checkpoint='):
        model.init_weights()


def test_a_missing_coarse_checkpoint_file_is_named(configs, tmp_path):
    _, refined, _ = configs
    refined.model.coarse_checkpoint = str(tmp_path / 'nowhere.pth')
    with pytest.raises(ConfigError, match='nowhere.pth: no such file'):
        MODELS.build(refined.model).init_weights()


def test_a_file_that_is_no_checkpoint_is_named(configs, tmp_path):
    _, refined, _ = configs
    (tmp_path / 'notes.pth').write_text('not a checkpoint')
    refined.model.coarse_checkpoint = str(tmp_path / 'notes.pth')
    with pytest.raises(
            UnsafeCheckpointError,
            match='notes.pth": it is not a PyTorch checkpoint'):
        MODELS.build(refined.model).init_weights()
    # a cut-off one (a copy that stopped half-way)
    torch.save(dict(state_dict={'w': torch.zeros(1000)}), tmp_path / 'a.pth')
    data = (tmp_path / 'a.pth').read_bytes()
    (tmp_path / 'cut.pth').write_bytes(data[:len(data) // 2])
    refined.model.coarse_checkpoint = str(tmp_path / 'cut.pth')
    with pytest.raises(ConfigError, match='cut.pth: not a readable'):
        MODELS.build(refined.model).init_weights()


def test_a_checkpoint_of_other_shapes_is_refused(configs, tmp_path):
    # the same keys (the same architecture), another number of landmarks
    coarse, refined, _ = configs
    coarse.model.head.out_channels = 7
    torch.save(
        dict(state_dict=MODELS.build(coarse.model).state_dict()),
        tmp_path / 'seven.pth')
    refined.model.coarse_checkpoint = str(tmp_path / 'seven.pth')
    with pytest.raises(CheckpointMismatchError, match='of another shape'):
        MODELS.build(refined.model).init_weights()


def test_another_models_checkpoint_is_refused(configs, tmp_path):
    _, refined, _ = configs
    other = MODELS.build(
        Config.fromfile(
            f'{REPO_ROOT}/configs/hyatt_cephalometric_cpu-256x320.py').model)
    torch.save(dict(state_dict=other.state_dict()), tmp_path / 'other.pth')
    refined.model.coarse_checkpoint = str(tmp_path / 'other.pth')
    with pytest.raises(
            CheckpointMismatchError, match='not a checkpoint of this'):
        MODELS.build(refined.model).init_weights()


def test_coarse_stage_is_loaded_frozen_and_kept_in_eval(configs, caplog):
    _, refined, coarse_model = configs
    model = MODELS.build(refined.model)
    refiner_before = copy.deepcopy(model.refiner.state_dict())
    model.init_weights()
    # loaded quietly (no "missing keys" for the refinement, which keeps
    # its own initialisation)
    assert 'missing keys' not in caplog.text
    for key, value in model.refiner.state_dict().items():
        torch.testing.assert_close(value, refiner_before[key])
    want = coarse_model.state_dict()
    for key, value in model.state_dict().items():
        if not key.startswith('refiner.'):
            torch.testing.assert_close(value, want[key])
    model.train()
    assert not model.backbone.training and not model.head.training
    assert model.refiner.training
    losses = model.train_step(_batch(refined), _optim_wrapper(model))
    assert set(losses) == {'loss', 'loss_refine'}
    # only the refinement learnt
    for key, value in model.state_dict().items():
        if not key.startswith('refiner.'):
            torch.testing.assert_close(value, want[key])
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert trainable and all(n.startswith('refiner.') for n in trainable)


def _optim_wrapper(model):
    from mmengine.optim import OptimWrapper
    return OptimWrapper(
        torch.optim.SGD([p for p in model.parameters() if p.requires_grad],
                        lr=0.1))


def test_prediction_refines_drops_the_image_and_gives_patch_heatmaps(configs):
    _, refined, _ = configs
    model = MODELS.build(refined.model)
    model.init_weights()
    model.eval()
    model.test_cfg['output_heatmaps'] = True
    samples = model.test_step(_batch(refined))
    refiner = model.refiner
    for sample in samples:
        assert 'full_image' not in sample.metainfo
        assert sample.pred_instances.refined.shape == (1, 19)
        size = refiner.patch_size
        assert sample.pred_fields.heatmaps.shape == (19, size, size)
        # the patch spans patch_size patch pixels of 1 / zoom of the coarse
        # model's input pixel (70 x 90 framed at 64 x 64: the longer side)
        pixel = np.asarray(sample.metainfo['input_scale']) / 64 / refiner.zoom
        np.testing.assert_allclose(
            sample.metainfo['heatmap_region'], size * pixel, rtol=0.05)


def test_a_sample_without_the_full_image_is_refused_with_the_fix(configs):
    _, refined, _ = configs
    model = MODELS.build(refined.model)
    model.init_weights()
    batch = _batch(refined)
    for sample in batch['data_samples']:
        sample.set_metainfo(dict(img_path='x.png'))
        sample.pop('full_image')
    with pytest.raises(ConfigError, match='x.png: .*StoreFullImage'):
        model.train_step(batch, _optim_wrapper(model))
    model.eval()
    with pytest.raises(ConfigError, match="'full_image' in PackPoseInputs"):
        model.test_step(batch)


def test_coarse_heatmap_is_read_at_the_patch_pixels_image_points():
    from hyatt_mmpose.models.pose_estimators.refined_topdown import \
        coarse_on_patches

    # a 40 x 30 heatmap of a framed region 200 x 150 px centred on (120, 90)
    # (5 image px per heatmap px): its peak at heatmap (13, 11) is image
    # (13 * 5 + 20, 11 * 5 + 15) = (85, 70)
    heatmaps = torch.zeros(1, 30, 40)
    heatmaps[0, 11, 13] = 1.
    meta = dict(input_center=(120., 90.), input_scale=(200., 150.))
    steps = np.arange(5) - 2.
    grid = np.stack(np.meshgrid(steps, steps, indexing='xy'), -1)
    got = coarse_on_patches(heatmaps, (grid * 5 + [85., 70.])[None], meta)
    want = np.zeros((5, 5))
    want[2, 2] = 1.
    np.testing.assert_allclose(got[0].numpy(), want, atol=1e-6)
    # half a heatmap pixel off: bilinear, half the peak
    got = coarse_on_patches(heatmaps, (grid * 5 + [87.5, 70.])[None], meta)
    assert got[0, 2, 2].item() == pytest.approx(0.5)
