"""check_resume: a checkpoint that the config cannot resume is refused
before the Runner is built."""
import copy

import pytest
import torch
from mmengine.runner import Runner
from mmpose.registry import MODELS

from hyatt_mmpose.apis import training
from hyatt_mmpose.utils import (CheckpointMismatchError, ResumeError,
                                check_resume, safe_torch_load)
from ..utils import tiny_config


@pytest.fixture(scope='module')
def run(synthetic_root, tmp_path_factory):
    """(config file, work dir) of the tiny preset trained for 2 epochs."""
    work = tmp_path_factory.mktemp('resume_check')
    cfg = tiny_config(synthetic_root, str(work / 'run'), max_epochs=2)
    config = str(work / 'tiny.py')
    cfg.dump(config)
    Runner.from_cfg(copy.deepcopy(cfg)).train()
    return config, work / 'run'


def config_of(run, max_epochs=3):
    from mmengine.config import Config
    cfg = Config.fromfile(run[0])
    cfg.train_cfg.max_epochs = max_epochs
    return cfg


def test_the_config_it_was_trained_with_resumes(run):
    config, work = run
    check_resume(config_of(run), str(work / 'epoch_2.pth'), config)


def test_widened_head_is_refused_with_its_keys(run):
    """Before: a size-mismatch warning, then a RuntimeError at the first
    optimizer step."""
    config, work = run
    cfg = config_of(run)
    cfg.model.head.feat_channels = 48
    with pytest.raises(CheckpointMismatchError) as err:
        check_resume(cfg, str(work / 'epoch_2.pth'), config)
    saved = safe_torch_load(str(work / 'epoch_2.pth'))['state_dict']
    wanted = MODELS.build(cfg.model).state_dict()
    changed = [k for k in wanted if wanted[k].shape != saved[k].shape]
    assert changed and all(k.startswith('head.') for k in changed)
    message = str(err.value)
    assert f'"{work / "epoch_2.pth"}" cannot be resumed' in message
    assert f'{changed[0]}: {tuple(saved[changed[0]].shape)} in the ' \
        f'checkpoint, {tuple(wanted[changed[0]].shape)} in the model' \
        in message
    assert f'load_from={work / "epoch_2.pth"} without --resume' in message


def test_another_optimizer_type_is_refused(run, tmp_path):
    """Before: ``KeyError: 'momentum'`` at the first step. Also without the
    saved config's text, from the names of the hyperparameters."""
    config, work = run
    cfg = config_of(run)
    cfg.optim_wrapper.optimizer = dict(type='SGD', lr=0.01, momentum=0.9)
    with pytest.raises(
            ResumeError,
            match=r'optimizer state of AdamW, and the config asks '
            r'for SGD \(optim_wrapper.optimizer.type\)'):
        check_resume(cfg, str(work / 'epoch_2.pth'), config)
    checkpoint = safe_torch_load(str(work / 'epoch_2.pth'))
    del checkpoint['meta']['cfg']
    bare = str(tmp_path / 'bare.pth')
    torch.save(checkpoint, bare)
    with pytest.raises(ResumeError) as err:
        check_resume(cfg, bare, config)
    saved = set(checkpoint['optimizer']['param_groups'][0])
    assert 'betas' in saved and 'momentum' not in saved
    assert 'optimizer with amsgrad, betas, ' in str(err.value)
    assert "config's SGD (optim_wrapper.optimizer.type) has dampening, " \
        'momentum, nesterov instead' in str(err.value)
    # the same optimizer without its saved config resumes
    check_resume(config_of(run), bare, config)


def test_other_parameter_groups_are_refused(run):
    config, work = run
    cfg = config_of(run)
    cfg.optim_wrapper.paramwise_cfg = dict(
        custom_keys=dict(backbone=dict(lr_mult=0.1)))
    with pytest.raises(ResumeError) as err:
        check_resume(cfg, str(work / 'epoch_2.pth'), config)
    # mmengine makes a group of each parameter where paramwise_cfg is set
    (group, ) = safe_torch_load(str(
        work / 'epoch_2.pth'))['optimizer']['param_groups']
    n = len(group['params'])
    assert f'an optimizer state of 1 parameter groups ({n} parameters), ' \
        f"and the config's optim_wrapper (its paramwise_cfg) makes {n} " \
        f'({n} parameters)' in str(err.value)


@pytest.mark.parametrize('max_epochs', [2, 1])
def test_nothing_left_to_train_is_refused(run, max_epochs):
    """Before: exit 0 having trained nothing, without a word."""
    config, work = run
    with pytest.raises(ResumeError) as err:
        check_resume(
            config_of(run, max_epochs), str(work / 'epoch_2.pth'), config)
    assert f'saved after epoch 2, and the config trains to epoch ' \
        f'{max_epochs} (train_cfg.max_epochs)' in str(err.value)
    assert '--cfg-options train_cfg.max_epochs=N with N > 2' in str(err.value)


def test_iteration_based_training_compares_iterations(run):
    config, work = run
    meta = safe_torch_load(str(work / 'epoch_2.pth'))['meta']
    cfg = config_of(run)
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=meta['iter'])
    with pytest.raises(ResumeError, match=f'saved after iter {meta["iter"]}'):
        check_resume(cfg, str(work / 'epoch_2.pth'), config)
    cfg.train_cfg.max_iters += 1
    check_resume(cfg, str(work / 'epoch_2.pth'), config)


def test_missing_and_weights_only_files_are_refused(run, tmp_path):
    """Other members of the kind: --resume of a file that does not exist
    (before: a FileNotFoundError traceback after the work dir and log were
    written), of weights only (KeyError: 'meta') and of a best checkpoint,
    saved without an optimizer state (resumed with a fresh optimizer)."""
    config, work = run
    cfg = config_of(run)
    missing = str(work / 'epoch_20.pth')
    with pytest.raises(ResumeError, match=f'"{missing}" to resume does not '):
        check_resume(cfg, missing, config)
    weights = str(tmp_path / 'weights.pth')
    torch.save(
        dict(
            state_dict=safe_torch_load(str(work /
                                           'epoch_2.pth'))['state_dict']),
        weights)
    with pytest.raises(
            ResumeError, match='it has no meta, message_hub, optimizer '):
        check_resume(cfg, weights, config)
    (best, ) = work.glob('best_*.pth')
    with pytest.raises(ResumeError, match='it has no optimizer '):
        check_resume(cfg, str(best), config)


def test_training_refuses_before_writing(run, tmp_path):
    config, work = run
    new = tmp_path / 'new'
    with pytest.raises(ResumeError):
        training.train(
            config,
            work_dir=str(new),
            resume=str(work / 'epoch_2.pth'),
            cfg_options={'train_cfg.max_epochs': 2})
    assert not new.exists()
