"""Helpers shared by the tests."""
import os.path as osp

import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
SHARED_DATA = osp.join(REPO_ROOT, '..', 'shared', 'data')


def shared_data(*parts: str) -> str:
    """Path under ../shared/data, or skip the test when it is absent."""
    path = osp.join(SHARED_DATA, *parts)
    if not osp.exists(path):
        pytest.skip(f'real data not found at {path} (only on machines with '
                    'the shared data set)')
    return path


def tiny_config(data_root: str, work_dir: str, max_epochs: int = 2):
    """The demo config shrunk to seconds: 64 x 64 input, no workers."""
    from mmengine.config import Config
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs', 'hyatt_synthetic_demo.py'))
    size = (64, 64)
    codec = [
        dict(c, input_size=size, heatmap_size=(size[0] // s, size[1] // s))
        for c, s in zip(cfg.codec, (4, 2, 1))
    ]
    cfg.model.head.decoder = codec
    cfg.train_pipeline[3].input_size = size
    cfg.train_pipeline[4].encoder = codec
    cfg.val_pipeline[2].input_size = size
    for split in ('train', 'val', 'test'):
        loader = cfg[f'{split}_dataloader']
        loader.update(batch_size=4, num_workers=0, persistent_workers=False)
        loader.dataset.data_root = data_root
        loader.dataset.pipeline = (
            cfg.train_pipeline if split == 'train' else cfg.val_pipeline)
    cfg.train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=1)
    cfg.param_scheduler = [dict(type='ConstantLR', factor=1.0)]
    cfg.default_hooks.checkpoint.interval = 1
    cfg.default_hooks.logger.interval = 1
    cfg.work_dir = work_dir
    cfg.randomness = dict(seed=0)
    return cfg


def tiny_refined_config(data_root: str,
                        work_dir: str,
                        coarse_checkpoint: str,
                        max_epochs: int = 2):
    """The demo's refined config shrunk as :func:`tiny_config` shrinks the
    demo's: 64 x 64 coarse input, 16 x 16 patches, no workers."""
    from mmengine.config import Config
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs', 'hyatt_synthetic_demo_refined.py'))
    tiny = tiny_config(data_root, work_dir, max_epochs)
    cfg.model.head.decoder = tiny.model.head.decoder
    cfg.model.coarse_checkpoint = coarse_checkpoint
    # a few epochs on 8 images give flat maps: accept every peak off the
    # patch's edge, so that the refinement does move points
    cfg.model.refiner.update(patch_size=16, channels=(8, 16), min_score=0.)
    cfg.refine_pipeline[3].input_size = (64, 64)
    for split in ('train', 'val', 'test'):
        loader = cfg[f'{split}_dataloader']
        loader.update(batch_size=4, num_workers=0, persistent_workers=False)
        loader.dataset.data_root = data_root
        loader.dataset.pipeline = cfg.refine_pipeline
    for key in ('train_cfg', 'param_scheduler', 'work_dir', 'randomness'):
        cfg[key] = tiny[key]
    cfg.default_hooks = tiny.default_hooks
    return cfg
