"""Every config file loads and builds its model."""
import glob
import os.path as osp

import numpy as np
import pytest
from mmcv.transforms import Compose
from mmengine.config import Config
from mmpose.datasets.datasets.utils import parse_pose_metainfo
from mmpose.registry import DATASETS, MODELS

from .utils import REPO_ROOT

CONFIGS = sorted(
    p for p in glob.glob(
        osp.join(REPO_ROOT, 'configs', '**', '*.py'), recursive=True)
    if '_base_' not in p)


def test_there_are_configs():
    assert len(CONFIGS) >= 5


@pytest.mark.parametrize(
    'path', CONFIGS, ids=[osp.relpath(p, REPO_ROOT) for p in CONFIGS])
def test_config_builds_its_model(path):
    cfg = Config.fromfile(path)
    assert cfg.custom_imports.imports == ['hyatt_mmpose']
    model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.parameters()) > 0
    for split in ('train', 'val', 'test'):
        dataset = cfg[f'{split}_dataloader'].dataset
        for part in dataset.get('datasets', [dataset]):  # ConcatDataset
            assert part.pipeline


@pytest.mark.parametrize(
    'path', CONFIGS, ids=[osp.relpath(p, REPO_ROOT) for p in CONFIGS])
@pytest.mark.slow
def test_train_pipeline_runs_on_a_grey_image(path):
    """Every random branch of the training pipeline gets its turn: each
    transform's random flags are drawn anew on each of the repetitions."""
    cfg = Config.fromfile(path)
    dataset = cfg.train_dataloader.dataset
    pipeline = Compose(dataset.pipeline)
    # what the dataset adds to each sample from its metainfo
    metainfo = parse_pose_metainfo(
        dataset.get('metainfo') or DATASETS.get(dataset.type).METAINFO)
    from_metainfo = {
        key: metainfo[key]
        for key in ('flip_indices', 'flip_pairs', 'upper_body_ids',
                    'lower_body_ids', 'dataset_keypoint_weights')
    }
    num_keypoints = cfg.model.head.out_channels
    height, width = 200, 160
    rng = np.random.default_rng(0)
    grey = rng.integers(0, 256, (height, width, 1), dtype=np.uint8)
    keypoints = rng.uniform((20, 20), (width - 20, height - 20),
                            (1, num_keypoints, 2)).astype(np.float32)
    np.random.seed(0)
    for _ in range(12):
        packed = pipeline(
            dict(
                img=np.repeat(grey, 3, axis=2),
                img_path=None,
                bbox=np.array([[0, 0, width, height]], np.float32),
                bbox_score=np.ones(1, np.float32),
                keypoints=keypoints.copy(),
                keypoints_visible=np.ones((1, num_keypoints), np.float32),
                **from_metainfo))
        input_w, input_h = packed['data_samples'].metainfo['input_size']
        assert packed['inputs'].shape == (3, input_h, input_w)
        if cfg.model.type == 'RefinedTopdownPoseEstimator':
            # the refinement draws its own targets from the full image
            full = packed['data_samples'].metainfo['full_image']
            assert full.shape == (height, width)
        else:
            assert 'heatmaps' in packed['data_samples'].gt_fields


def test_published_learning_rate_schedule():
    """Linear warm-up (first 50 epochs, from 1e-5) times a cosine over all
    200 epochs, as the release's mmcv CosineAnnealing with warmup_by_epoch."""
    import math

    import torch
    from mmengine.registry import PARAM_SCHEDULERS
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs', 'hyatt_cephalometric.py'))
    assert cfg.train_cfg.max_epochs == 200
    base_lr = cfg.optim_wrapper.optimizer.lr
    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))],
                                  lr=base_lr)
    epoch_length = 65  # 130 training images, batch 2
    schedulers = []
    for scheduler in cfg.param_scheduler:
        args = dict(scheduler)
        assert args.pop('convert_to_iter_based')
        cls = PARAM_SCHEDULERS.get(args.pop('type'))
        schedulers.append(
            cls.build_iter_from_epoch(
                optimizer, epoch_length=epoch_length, **args))
    lrs = {}
    for iteration in range(200 * epoch_length):
        if iteration % epoch_length == 0:
            lrs[iteration // epoch_length] = optimizer.param_groups[0]['lr']
        optimizer.step()
        for scheduler in schedulers:
            scheduler.step()
    for epoch in (0, 25, 50, 100, 199):
        warm_up = 1e-5 + (1 - 1e-5) * min(epoch / 50, 1.)
        cosine = 0.5 * (1 + math.cos(math.pi * epoch / 200))
        assert lrs[epoch] == pytest.approx(
            base_lr * warm_up * cosine, rel=2e-3, abs=1e-10), epoch
    assert max(lrs.values()) == pytest.approx(3.84e-4, rel=2e-3)


@pytest.mark.parametrize(
    'path', CONFIGS, ids=[osp.relpath(p, REPO_ROOT) for p in CONFIGS])
def test_landmark_configs_load_images_as_the_predictor_does(path):
    cfg = Config.fromfile(path)
    if 'coco' in path:  # natural images: mmpose's loader
        return
    for split in ('train', 'val', 'test'):
        dataset = cfg[f'{split}_dataloader'].dataset
        for part in dataset.get('datasets', [dataset]):
            assert part.pipeline[0].type == 'LoadRadiograph', split
