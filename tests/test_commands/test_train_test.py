"""tools/train.py and tools/test.py as a user runs them."""
import json
import os
import os.path as osp
import pickle
import subprocess
import sys

import numpy as np
import pytest

from hyatt_mmpose.apis import testing
from hyatt_mmpose.commands import test as test_tool
from hyatt_mmpose.commands import train as train_tool
from ..utils import REPO_ROOT, tiny_config, tiny_refined_config


@pytest.fixture(scope='module')
def trained(synthetic_root, tmp_path_factory):
    """A config file and the checkpoint tools/train.py wrote for it."""
    work = tmp_path_factory.mktemp('tools')
    config = str(work / 'tiny.py')
    tiny_config(synthetic_root, str(work / 'run'), max_epochs=1).dump(config)
    assert train_tool.main([config, '--work-dir', str(work / 'run')]) == 0
    return config, str(work / 'run' / 'epoch_1.pth'), work


@pytest.mark.slow
def test_resume_continues_from_the_saved_epoch(trained):
    config, _, work = trained
    assert train_tool.main([
        config, '--work-dir',
        str(work / 'run'), '--resume', '--cfg-options',
        'train_cfg.max_epochs=2'
    ]) == 0
    with open(work / 'run' / 'last_checkpoint') as f:
        assert f.read().strip().endswith('epoch_2.pth')


@pytest.mark.slow
def test_out_metrics_equal_those_recomputed_from_dump(trained):
    config, checkpoint, work = trained
    out, dump = str(work / 'metrics.json'), str(work / 'preds.pkl')
    assert test_tool.main([
        config, checkpoint, '--work-dir',
        str(work / 'test'), '--out', out, '--dump', dump
    ]) == 0
    with open(out) as f:
        metrics = json.load(f)
    with open(dump, 'rb') as f:
        samples = pickle.load(f)
    errors = []
    for s in samples:
        pred = np.asarray(s['pred_instances']['keypoints'])[0]
        gt = np.asarray(s['gt_instances']['keypoints'])[0]
        errors += list(
            np.linalg.norm((pred - gt) * s['pixel_spacing'], axis=-1))
    errors = np.array(errors)
    assert len(samples) == 4
    assert metrics['MRE'] == pytest.approx(errors.mean())
    assert metrics['MRE_std'] == pytest.approx(errors.std())
    for t in (2.0, 2.5, 3.0, 4.0):
        assert metrics[f'SDR_{t}mm'] == pytest.approx(100 *
                                                      np.mean(errors <= t))


@pytest.mark.slow
def test_two_test_splits_are_reported_together_and_each(
        trained, synthetic_root):
    from mmengine.config import Config
    config, checkpoint, work = trained
    cfg = Config.fromfile(config)
    parts = []
    for split in ('val', 'test'):
        part = dict(
            cfg.test_dataloader.dataset,
            split=split,
            ann_file=f'annotations/{split}.json')
        parts.append(part)
    cfg.test_dataloader.dataset = dict(type='ConcatDataset', datasets=parts)
    two = str(work / 'two_splits.py')
    cfg.dump(two)
    metrics = testing.test(two, checkpoint, work_dir=str(work / 'test2'))
    # Four images of 19 landmarks in each split: the overall MRE is the
    # mean of the two.
    assert metrics['MRE'] == pytest.approx(
        (metrics['val/MRE'] + metrics['test/MRE']) / 2)
    assert metrics['test/MRE'] != metrics['val/MRE']


def other_configs_checkpoint(config: str, path: str) -> str:
    """A checkpoint of another config: the tiny model with a wider last
    backbone stage, saved as mmengine does."""
    import torch
    from mmengine.config import Config
    from mmpose.registry import MODELS
    other = Config.fromfile(config)
    other.model.backbone.arch.widths = [16, 32, 48, 64, 128]
    torch.save(
        dict(
            meta=dict(epoch=1, experiment_name='wider'),
            state_dict=MODELS.build(other.model).state_dict()), path)
    return path


@pytest.mark.slow
def test_checkpoint_of_another_config_is_refused_before_testing(
        trained, capsys):
    config, _, work = trained
    other = other_configs_checkpoint(config, str(work / 'wider.pth'))
    out, dump = work / 'refused.json', work / 'refused.pkl'
    assert test_tool.main([
        config, other, '--work-dir',
        str(work / 'refused'), '--out',
        str(out), '--dump',
        str(dump)
    ]) == 1
    err = capsys.readouterr().err
    assert err.startswith('error: ')
    assert f'"{other}"' in err
    assert f'config "{config}"' in err
    assert 'backbone.embeds.4.0.weight: (128, 64, 4, 4)' in err
    # Refused before testing: no predictions dumped, no metrics.
    assert not dump.exists() and not out.exists()


@pytest.mark.slow
def test_a_dump_that_is_not_a_pickle_is_refused_first(trained, capsys):
    config, checkpoint, work = trained
    out = work / 'not_run.json'
    assert test_tool.main([
        config, checkpoint, '--dump',
        str(work / 'preds.json'), '--out',
        str(out)
    ]) == 1
    assert 'must name a .pkl file' in capsys.readouterr().err
    assert not out.exists()
    with pytest.raises(ValueError, match=r'preds\.json: the dump must be'):
        testing.test(config, checkpoint, dump=str(work / 'preds.json'))


@pytest.mark.parametrize(
    'options, says',
    [(['train_cfg.max_epochs=1'], 'saved after epoch 1, and the config '
      'trains to epoch 1'),
     (['model.head.feat_channels=48', 'train_cfg.max_epochs=2'
       ], 'its weights do not fit the model of config')])
@pytest.mark.slow
def test_resume_after_a_config_change_is_refused(trained, tmp_path, options,
                                                 says):
    """tools/train.py --resume after a config change: one line, no
    traceback, nothing written. Before, a max_epochs not above the
    checkpoint's epoch exited 0 having trained nothing, and a widened head
    ended in a RuntimeError traceback at the first optimizer step."""
    config, checkpoint, _ = trained
    work = tmp_path / 'resumed'
    done = subprocess.run(
        [
            sys.executable,
            osp.join(REPO_ROOT, 'tools', 'train.py'), config, '--work-dir',
            str(work), '--resume', checkpoint, '--cfg-options'
        ] + options,
        capture_output=True,
        text=True,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert done.returncode == 1
    assert 'Traceback' not in done.stderr
    assert f'error: Checkpoint "{checkpoint}" ' in done.stderr
    assert says in done.stderr
    assert not work.exists()


def test_a_misspelled_setting_is_one_line_naming_it(synthetic_root, tmp_path,
                                                    capsys):
    """A new user's ``--cfg-options train_cfg.max_epoch=1`` (for
    max_epochs) ended in a TypeError traceback from mmengine's loop; so did
    a key no model part takes (``model.head.sigmaa``, the other member)."""
    config = str(tmp_path / 'tiny.py')
    tiny_config(
        synthetic_root, str(tmp_path / 'run'), max_epochs=1).dump(config)
    for option, key in [('train_cfg.max_epoch=1', 'max_epoch'),
                        ('model.head.sigmaa=2', 'sigmaa')]:
        assert train_tool.main([config, '--cfg-options', option]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f'error: {config}: ') and err.count('\n') == 1
        assert f'"{key}" is not a setting there' in err
    assert train_tool.main([str(tmp_path / 'nope.py')]) == 1
    assert capsys.readouterr().err == (
        f'error: {tmp_path / "nope.py"}: no such config file\n')


def test_a_refined_config_without_its_coarse_checkpoint_is_one_line(
        synthetic_root, tmp_path, capsys):
    config = str(tmp_path / 'refined.py')
    tiny_refined_config(synthetic_root, str(tmp_path / 'run'),
                        str(tmp_path / 'nowhere.pth')).dump(config)
    assert train_tool.main([config]) == 1
    err = capsys.readouterr().err
    assert err.count('\n') == 1
    assert 'model.coarse_checkpoint=' in err and 'nowhere.pth: no such' in err
