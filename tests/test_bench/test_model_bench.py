"""bench/model.py writes a row per config with its costs."""
import json
import os.path as osp
import subprocess
import sys

from mmengine.config import Config
from mmpose.registry import MODELS

from ..utils import REPO_ROOT

DEMO = 'configs/hyatt_synthetic_demo.py'


def test_model_bench_reports_the_demo_preset(tmp_path):
    out = tmp_path / 'model.json'
    done = subprocess.run([
        sys.executable, 'bench/model.py', '--configs', DEMO, '--input-size',
        '64', '64', '--image-size', '200', '240', '--repeats', '1', '--out',
        str(out)
    ],
                          cwd=REPO_ROOT,
                          capture_output=True,
                          text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert 'train s/img' in done.stdout  # the table
    (row, ) = json.loads(out.read_text())['rows']
    model = MODELS.build(Config.fromfile(osp.join(REPO_ROOT, DEMO)).model)
    assert row['params_m'] * 1e6 == sum(p.numel() for p in model.parameters())
    assert row['input_size'] == [64, 64]
    for key in ('gmac', 'train_ms_per_img', 'train_peak_mib', 'infer_ms',
                'infer_peak_mib'):
        assert row[key] > 0, key
