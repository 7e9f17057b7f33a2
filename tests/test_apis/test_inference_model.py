import copy
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmengine.config import Config

from hyatt_mmpose.apis import (LandmarkPredictor, build_inference_model,
                               config_dataset_meta)
from hyatt_mmpose.commands import predict as predict_tool
from hyatt_mmpose.utils import ConfigError
from ..utils import REPO_ROOT

CEPH = osp.join(REPO_ROOT, 'configs', 'hyatt_cephalometric_cpu-256x320.py')


def test_built_as_mmpose_init_model_builds_it(tiny_checkpoint):
    # imported here: mmpose.apis loads torchvision into the whole session
    from mmpose.apis import init_model
    config, _ = tiny_checkpoint
    ours = build_inference_model(Config.fromfile(config), 'cpu')
    theirs = init_model(Config.fromfile(config), None, 'cpu')
    assert not ours.training and ours.cfg.model.train_cfg is None
    np.testing.assert_equal(ours.dataset_meta, theirs.dataset_meta)
    assert ours.dataset_meta['num_keypoints'] == 19
    assert {k: v.shape for k, v in ours.state_dict().items()} == \
        {k: v.shape for k, v in theirs.state_dict().items()}


def test_dataset_meta_of_a_wrapper_an_override_and_none():
    cfg = Config.fromfile(CEPH)
    names = config_dataset_meta(cfg)['keypoint_id2name']
    assert names[0] == 'sella' and len(names) == 19

    wrapped = copy.deepcopy(cfg)
    wrapped.train_dataloader.dataset = dict(
        type='ConcatDataset', datasets=[cfg.train_dataloader.dataset])
    assert config_dataset_meta(wrapped)['keypoint_id2name'] == names

    override = copy.deepcopy(cfg)
    override.train_dataloader.dataset.metainfo = dict(
        dataset_name='two',
        keypoint_info={
            0: dict(name='a', id=0, color=[0, 0, 0], type='', swap=''),
            1: dict(name='b', id=1, color=[0, 0, 0], type='', swap='')
        },
        skeleton_info={},
        joint_weights=[1., 1.],
        sigmas=[0.1, 0.1])
    assert config_dataset_meta(override)['keypoint_id2name'] == {
        0: 'a',
        1: 'b'
    }

    untyped = copy.deepcopy(cfg)
    untyped.train_dataloader.dataset.pop('type')
    assert config_dataset_meta(untyped) is None
    cfg.train_dataloader = None
    assert config_dataset_meta(cfg) is None


def test_no_landmark_names_anywhere_is_refused(tiny_checkpoint, synthetic_root,
                                               tmp_path, capsys):
    config, checkpoint = tiny_checkpoint
    cfg = Config.fromfile(config)
    cfg.pop('train_dataloader')
    state = torch.load(checkpoint, map_location='cpu', weights_only=False)
    bare = str(tmp_path / 'bare.pth')
    torch.save({'state_dict': state['state_dict']}, bare)
    with pytest.raises(ConfigError, match='no landmark names'):
        LandmarkPredictor(cfg, bare)
    nameless = str(tmp_path / 'nameless.py')
    cfg.dump(nameless)
    out = tmp_path / 'out'
    image = f'{synthetic_root}/images/test_0000.png'
    assert predict_tool.main([nameless, bare, image, '--out-dir',
                              str(out)]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith(f'error: {nameless}: no landmark names')
    assert not out.exists()
    # the checkpoint's own names are enough
    assert LandmarkPredictor(cfg, checkpoint).names[0] == 'cranial_base_0'


def test_prediction_does_not_load_mmpose_inferencers():
    # mmpose.apis brings torchvision and mmdet's inferencers: ~110 MiB
    code = ('import sys, hyatt_mmpose.commands.predict\n'
            'from mmengine.config import Config\n'
            'from hyatt_mmpose.apis import build_inference_model\n'
            f'build_inference_model(Config.fromfile({CEPH!r}), "cpu")\n'
            'print(sorted(m for m in ("mmpose.apis", "torchvision") '
            'if m in sys.modules))')
    out = subprocess.run([sys.executable, '-c', code],
                         cwd=REPO_ROOT,
                         capture_output=True,
                         text=True,
                         check=True).stdout
    assert out.strip() == '[]'
