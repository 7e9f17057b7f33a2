"""tools/dist_train.sh with 2 CPU processes: torchrun, gloo, DDP."""
import json
import os
import os.path as osp
import socket
import subprocess
import sys

import pytest

from ..utils import REPO_ROOT, tiny_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_two_cpu_processes_share_the_data_and_rank0_saves(
        synthetic_root, tmp_path):
    work_dir = str(tmp_path / 'work')
    cfg = tiny_config(synthetic_root, work_dir, max_epochs=1)
    cfg.custom_imports = dict(
        imports=['hyatt_mmpose', 'tests.dist_probe'],
        allow_failed_imports=False)
    cfg.custom_hooks = list(
        cfg.custom_hooks) + [dict(type='RecordSamplesHook')]
    config = str(tmp_path / 'tiny.py')
    cfg.dump(config)
    probe = tmp_path / 'probe'
    probe.mkdir()
    env = dict(
        os.environ,
        PYTHON=sys.executable,
        PORT=str(free_port()),
        DIST_PROBE_DIR=str(probe),
        OMP_NUM_THREADS='1')
    run = subprocess.run(
        ['bash',
         osp.join(REPO_ROOT, 'tools', 'dist_train.sh'), config, '2'],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    seen = {}
    for rank in (0, 1):
        text = (probe / f'samples_rank{rank}.txt').read_text()
        seen[rank] = [int(i) for i in text.split()]
    assert seen[0] and seen[1]
    assert not set(seen[0]) & set(seen[1])
    with open(osp.join(synthetic_root, 'annotations', 'train.json')) as f:
        train_ids = {i['id'] for i in json.load(f)['images']}
    assert set(seen[0]) | set(seen[1]) == train_ids

    saved = (probe / 'saves_rank0.txt').read_text().split()
    assert any(p.endswith('epoch_1.pth') for p in saved)
    assert not (probe / 'saves_rank1.txt').exists()
