"""bench/model.py writes a row per config with its costs."""
import json
import os.path as osp

import pytest
from mmengine.config import Config
from mmpose.registry import MODELS

from hyatt_mmpose_allocator import find_tcmalloc
from ..utils import REPO_ROOT
from .script import run_bench

DEMO = 'configs/hyatt_synthetic_demo.py'
W48 = 'configs/baselines/td-hm_hrnet-w48_isbi2015-1024x1216.py'


@pytest.mark.slow
def test_model_bench_reports_the_demo_preset(tmp_path):
    out = tmp_path / 'model.json'
    done = run_bench('model.py', '--configs', DEMO, '--input-size', '64', '64',
                     '--image-size', '200', '240', '--repeats', '1', '--out',
                     str(out))
    assert done.returncode == 0, done.stderr
    assert 'train s/img' in done.stdout  # the table
    result = json.loads(out.read_text())
    # timed as the tools run: with tcmalloc where there is one
    assert result['allocator'] == ('tcmalloc' if find_tcmalloc() else 'system')
    assert 'timed with the ' + result['allocator'] in done.stdout
    (row, ) = result['rows']
    model = MODELS.build(Config.fromfile(osp.join(REPO_ROOT, DEMO)).model)
    assert row['params_m'] * 1e6 == sum(p.numel() for p in model.parameters())
    assert row['input_size'] == [64, 64]
    for key in ('gmac', 'train_ms_per_img', 'train_peak_mib', 'infer_ms',
                'infer_peak_mib'):
        assert row[key] > 0, key
    # the demo preset predicts without flip test: one forward pass
    assert row['forward_passes'] == 1
    train_s = row['train_ms_per_img'] / 1e3
    assert row['train_gmac_s'] == pytest.approx(3 * row['gmac'] / train_s)
    assert row['infer_gmac_s'] == pytest.approx(row['gmac'] /
                                                (row['infer_ms'] / 1e3))


@pytest.mark.slow
def test_rates_are_compared_with_hrnet_w48(tmp_path):
    out = tmp_path / 'model.json'
    done = run_bench('model.py', '--configs', DEMO, W48, '--input-size', '64',
                     '64', '--batch', '1', '--repeats', '1', '--steps',
                     'train', '--out', str(out))
    assert done.returncode == 0, done.stderr
    demo, w48 = json.loads(out.read_text())['rows']
    assert 'infer_ms' not in demo and 'infer_ms' not in w48
    assert w48['train_vs_w48'] == 1
    assert demo['train_vs_w48'] == demo['train_gmac_s'] / w48['train_gmac_s']
    assert '| x W48 |' in done.stdout and '| infer s |' not in done.stdout


@pytest.mark.slow
def test_profile_runs_in_a_worker_and_passes_its_failure_on(tmp_path):
    args = ('--batch', '1', '--input-size', '64', '64', '--image-size', '100',
            '120', '--profile-rows', '3')
    done = run_bench('model.py', '--profile', DEMO, *args)
    assert done.returncode == 0, done.stderr
    # torch's table: a rule, the header, a rule, the operators, a rule
    lines = done.stdout.splitlines()
    rules = [i for i, line in enumerate(lines) if line.startswith('-----')]
    assert len(rules) == 3
    assert rules[2] - rules[1] - 1 == 3  # --profile-rows
    assert 'Self CPU time total' in done.stdout
    missing = run_bench('model.py', '--profile', str(tmp_path / 'none.py'),
                        *args)
    assert missing.returncode != 0


@pytest.mark.slow
def test_a_refined_prediction_counts_the_refinement_once(tmp_path):
    out = tmp_path / 'model.json'
    # with the flip test, where counting the refinement twice would show
    config = tmp_path / 'flipped.py'
    base = osp.join(REPO_ROOT, 'configs/hyatt_synthetic_demo_refined.py')
    config.write_text(f"_base_ = ['{base}']\n"
                      'model = dict(test_cfg=dict(flip_test=True))\n')
    done = run_bench('model.py', '--configs', str(config), '--input-size',
                     '64', '64', '--image-size', '200', '240', '--repeats',
                     '1', '--steps', 'infer', '--out', str(out))
    assert done.returncode == 0, done.stderr
    (row, ) = json.loads(out.read_text())['rows']
    assert row['forward_passes'] == 2
    assert 0 < row['refiner_gmac'] < row['gmac']
    # the flip test doubles the coarse passes; the refinement runs once
    passes = row['forward_passes']
    coarse = row['gmac'] - row['refiner_gmac']
    assert row['infer_gmac_s'] == pytest.approx(
        (passes * coarse + row['refiner_gmac']) / (row['infer_ms'] / 1e3))
