"""WorkDirCheckpointHook: resuming from another run's checkpoint never
removes that run's files (mmengine's CheckpointHook does)."""
import glob
import os.path as osp
import re
import shutil

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from hyatt_mmpose.apis import training
from ..utils import REPO_ROOT, tiny_config

CONFIGS = sorted(
    p for p in glob.glob(
        osp.join(REPO_ROOT, 'configs', '**', '*.py'), recursive=True)
    if '_base_' not in p)


def files(work_dir) -> dict:
    """Checkpoint name -> modification time."""
    return {
        osp.basename(p): osp.getmtime(p)
        for p in glob.glob(osp.join(str(work_dir), '*.pth'))
    }


def best_epochs(work_dir) -> list:
    return sorted(
        int(re.search(r'best_MRE_epoch_(\d+)', name).group(1))
        for name in files(work_dir) if name.startswith('best_'))


def run_log(work_dir) -> str:
    """The log of the latest run in ``work_dir`` (a copied work dir holds
    the original's too)."""
    return open(sorted(glob.glob(osp.join(str(work_dir), '*',
                                          '*.log')))[-1]).read()


def check_log_is_true(work_dir) -> tuple:
    """Asserts that each best checkpoint the latest run's log says it
    removed is gone, and each it says it did not remove is there.

    Returns:
        tuple: The paths it says it removed, and those it did not remove.
    """
    log = run_log(work_dir)
    removed = re.findall(r'The previous best checkpoint (\S+) is removed', log)
    kept = re.findall(r'Not removing (\S+)', log)
    assert not [p for p in removed if osp.exists(p)]
    assert all(osp.exists(p) for p in kept)
    return removed, kept


def train(synthetic_root, work_dir, max_epochs, hook, resume=False):
    cfg = tiny_config(synthetic_root, str(work_dir), max_epochs)
    cfg.default_hooks.checkpoint.type = hook
    cfg.resume = resume
    Runner.from_cfg(cfg).train()


@pytest.fixture
def original(synthetic_root, tmp_path):
    """A finished 2-epoch run: epoch_1, epoch_2 and its best checkpoint
    (one per test: mmengine's hook removes files of it)."""
    work = tmp_path / 'original'
    train(synthetic_root, work, 2, 'WorkDirCheckpointHook')
    assert len(best_epochs(work)) == 1
    return work


def test_every_config_uses_the_hook():
    assert CONFIGS
    for path in CONFIGS:
        cfg = Config.fromfile(path)
        assert cfg.default_hooks.checkpoint.type == \
            'WorkDirCheckpointHook', path


@pytest.mark.parametrize('hook, keeps', [('WorkDirCheckpointHook', True),
                                         ('CheckpointHook', False)])
@pytest.mark.slow
def test_resumed_copy_keeps_the_originals_best(hook, keeps, original,
                                               synthetic_root, tmp_path):
    """mmengine's own hook shows the failure: the copy removes the
    original's best checkpoint when it saves a new one. The log says what
    happened: before, it said 'Not removing' the original's best, then
    that this same file 'is removed'."""
    before = files(original)
    copy = tmp_path / 'copy'
    shutil.copytree(original, copy)
    train(synthetic_root, copy, 4, hook, resume=True)
    # The copy did get a new best: the case in which mmengine removes the
    # previous one.
    assert max(best_epochs(copy)) > 2
    assert (files(original) == before) == keeps
    _, kept = check_log_is_true(copy)
    if keeps:
        # The copy's own stale copy of the old best stays too.
        assert set(before) <= set(files(copy))
        (best, ) = [n for n in before if n.startswith('best_')]
        assert kept == [str(original / best)]


@pytest.mark.parametrize('hook, keeps', [('WorkDirCheckpointHook', True),
                                         ('CheckpointHook', False)])
@pytest.mark.slow
def test_resume_other_checkpoint_into_new_work_dir(hook, keeps, original,
                                                   synthetic_root, tmp_path):
    """``--resume OTHER/epoch_2.pth --work-dir NEW``, with NEW holding
    another run's files under the names of OTHER's checkpoints."""
    before = files(original)
    config = str(tmp_path / 'tiny.py')
    tiny_config(synthetic_root, str(tmp_path / 'unused')).dump(config)
    new = tmp_path / 'new'
    new.mkdir()
    foreign = {name: f'another run: {name}' for name in before}
    for name, text in foreign.items():
        (new / name).write_text(text)
    training.train(
        config,
        work_dir=str(new),
        resume=str(original / 'epoch_2.pth'),
        cfg_options={
            'train_cfg.max_epochs': 4,
            'default_hooks.checkpoint.type': hook
        })
    assert max(best_epochs(new)) > 2
    assert {'epoch_3.pth', 'epoch_4.pth'} <= set(files(new))
    kept = {
        n
        for n, t in foreign.items()
        if (new / n).exists() and (new / n).read_text() == t
    }
    assert (files(original) == before and kept == set(foreign)) == keeps
    check_log_is_true(new)


@pytest.mark.slow
def test_resume_in_place_still_removes_old_checkpoints(synthetic_root,
                                                       tmp_path):
    """In its own work dir the hook removes what mmengine's does: the
    previous best and the checkpoints beyond max_keep_ckpts (2)."""
    work = tmp_path / 'run'
    train(synthetic_root, work, 2, 'WorkDirCheckpointHook')
    train(synthetic_root, work, 4, 'WorkDirCheckpointHook', resume=True)
    names = files(work)
    assert {'epoch_3.pth', 'epoch_4.pth'} <= set(names)
    assert 'epoch_1.pth' not in names and 'epoch_2.pth' not in names
    assert len(best_epochs(work)) == 1
    removed, kept = check_log_is_true(work)
    assert removed and not kept
