"""load_checkpoint_strict: a checkpoint loads only into the model it fits,
and the tools and LandmarkPredictor refuse one that does not."""
import copy
import os.path as osp

import pytest
import torch
from mmpose.registry import MODELS

from hyatt_mmpose.commands import predict as predict_tool
from hyatt_mmpose.utils import CheckpointMismatchError, load_checkpoint_strict
from ..utils import REPO_ROOT, tiny_config


def build(cfg, seed: int):
    torch.manual_seed(seed)
    return MODELS.build(cfg.model)


def save_checkpoint(state_dict: dict, path, run='tiny_20250101_000000'):
    """The way mmengine's CheckpointHook saves one (the parts that
    matter here)."""
    torch.save(
        dict(meta=dict(epoch=1, experiment_name=run), state_dict=state_dict),
        str(path))
    return str(path)


def other_config(cfg):
    """The tiny config with a wider last backbone stage: the same keys,
    other shapes."""
    other = copy.deepcopy(cfg)
    other.model.backbone.arch.widths = [16, 32, 48, 64, 128]
    return other


@pytest.fixture(scope='module')
def tiny(synthetic_root, tmp_path_factory):
    """(config file, its Config)."""
    cfg = tiny_config(synthetic_root, str(tmp_path_factory.mktemp('w')), 1)
    path = str(tmp_path_factory.mktemp('cfg') / 'tiny.py')
    cfg.dump(path)
    return path, cfg


def assert_same_weights(model, state_dict):
    for key, value in model.state_dict().items():
        torch.testing.assert_close(value, state_dict[key], msg=key)


def test_fitting_checkpoint_loads_every_weight(tiny, tmp_path):
    config, cfg = tiny
    trained = build(cfg, 1).state_dict()
    path = save_checkpoint(trained, tmp_path / 'fits.pth')
    model = build(cfg, 2)
    checkpoint = load_checkpoint_strict(model, path, config)
    assert checkpoint['meta']['epoch'] == 1
    assert_same_weights(model, trained)


def test_wrapped_model_keys_load(tiny, tmp_path):
    """Weights saved from a DDP-wrapped model start with 'module.'."""
    _, cfg = tiny
    trained = build(cfg, 1).state_dict()
    path = save_checkpoint({
        f'module.{k}': v
        for k, v in trained.items()
    }, tmp_path / 'wrapped.pth')
    model = build(cfg, 2)
    load_checkpoint_strict(model, path)
    assert_same_weights(model, trained)


def test_official_biformer_key_names_are_converted(tiny, tmp_path):
    """The BiFormer backbone's load_state_dict pre-hook renames official
    keys (and drops the classifier) before the strict check."""
    _, cfg = tiny
    trained = build(cfg, 1).state_dict()
    official = {}
    for key, value in trained.items():
        if key.startswith('backbone.'):
            key = key.replace('.embeds.', '.downsample_layers.')
            key = key.replace('.mlp.2.', '.mlp.3.')
        official[key] = value
    official['backbone.head.weight'] = torch.randn(1000, 96)
    official['backbone.norm.weight'] = torch.randn(96)
    assert official.keys() != trained.keys()
    path = save_checkpoint(official, tmp_path / 'official.pth')
    model = build(cfg, 2)
    load_checkpoint_strict(model, path)
    assert_same_weights(model, trained)


def test_other_configs_checkpoint_is_refused_and_nothing_loaded(
        tiny, tmp_path):
    config, cfg = tiny
    path = save_checkpoint(
        build(other_config(cfg), 1).state_dict(),
        tmp_path / 'other.pth',
        run='wider_20250101_000000')
    model = build(cfg, 2)
    before = copy.deepcopy(model.state_dict())
    with pytest.raises(CheckpointMismatchError) as err:
        load_checkpoint_strict(model, path, config)
    message = str(err.value)
    assert f'Checkpoint "{path}"' in message
    assert 'saved by the run "wider_20250101_000000"' in message
    assert f'does not fit the model of config "{config}"' in message
    assert 'shape mismatches' in message
    # Widths differ from stage 5 on: its embedding, and the decoder.
    assert 'backbone.embeds.4.0.weight: (128, 64, ' in message
    assert_same_weights(model, before)


def test_missing_and_unexpected_keys_are_listed(tiny, tmp_path):
    _, cfg = tiny
    trained = build(cfg, 1).state_dict()
    dropped = sorted(k for k in trained if k.startswith('head.'))
    kept = {k: v for k, v in trained.items() if k not in dropped}
    kept['neck.extra.weight'] = torch.ones(3)
    path = save_checkpoint(kept, tmp_path / 'partial.pth')
    with pytest.raises(CheckpointMismatchError) as err:
        load_checkpoint_strict(build(cfg, 2), path)
    message = str(err.value)
    assert f'{len(dropped)} missing keys' in message
    assert '1 unexpected keys' in message and 'neck.extra.weight' in message
    assert 'this config' in message
    shown = [k for k in dropped if f'\n    {k}\n' in message + '\n']
    assert len(shown) == min(len(dropped), 20)
    if len(dropped) > 20:
        assert f'... and {len(dropped) - 20} more' in message


def test_checkpoint_of_another_architecture_is_refused(tiny, tmp_path):
    """An HRNet baseline's checkpoint for HYATT-Net: nothing fits."""
    from mmengine.config import Config
    _, cfg = tiny
    hrnet = Config.fromfile(
        osp.join(REPO_ROOT, 'configs', 'baselines',
                 'td-hm_hrnet-w32_isbi2015-cpu-256x320.py'))
    path = save_checkpoint(
        build(hrnet, 0).state_dict(), tmp_path / 'hrnet.pth')
    with pytest.raises(
            CheckpointMismatchError,
            match=r'missing keys(.|\n)*unexpected keys'):
        load_checkpoint_strict(build(cfg, 2), path)


def test_predictor_and_predict_tool_refuse_other_configs_checkpoint(
        tiny, synthetic_root, tmp_path, capsys):
    from hyatt_mmpose.apis import LandmarkPredictor
    config, cfg = tiny
    other = save_checkpoint(
        build(other_config(cfg), 1).state_dict(), tmp_path / 'other.pth')
    with pytest.raises(CheckpointMismatchError, match='shape mismatches'):
        LandmarkPredictor(config, other)
    out = tmp_path / 'predictions'
    assert predict_tool.main([
        config, other, f'{synthetic_root}/images/test_0000.png', '--out-dir',
        str(out)
    ]) == 2
    assert config in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())
    # The checkpoint of this config still works.
    fits = save_checkpoint(build(cfg, 1).state_dict(), tmp_path / 'fits.pth')
    result = LandmarkPredictor(
        config, fits).predict(f'{synthetic_root}/images/test_0000.png')[0]
    assert result['landmarks_px'].shape == (19, 2)


class Coarse(torch.nn.Module):

    def __init__(self):
        super().__init__()
        self.head = torch.nn.Linear(2, 2)


class Refined(Coarse):

    def __init__(self):
        super().__init__()
        self.refiner = torch.nn.Linear(2, 3)


@pytest.mark.parametrize('given, model, hint', [
    (Coarse, Refined, 'holds no refinement stage'),
    (Refined, Coarse, 'holds a refinement stage that this config lacks'),
    (torch.nn.Conv2d, Refined, None),
])
def test_a_checkpoint_of_the_other_stage_is_named_so(given, model, hint,
                                                     tmp_path):
    torch.manual_seed(0)
    weights = given(1, 1, 1) if given is torch.nn.Conv2d else given()
    # saved from a wrapped model: the prefix does not hide the stage
    path = save_checkpoint(
        {
            f'module.{k}': v
            for k, v in weights.state_dict().items()
        }, tmp_path / 'w.pth')
    with pytest.raises(CheckpointMismatchError) as err:
        load_checkpoint_strict(model(), path, 'c.py')
    first = str(err.value).splitlines()[0]
    if hint:
        assert hint in first
    else:  # an unrelated checkpoint is not called a coarse model's
        assert 'refinement stage' not in first
