"""What tools/predict.py and tools/calibrate.py refuse, and how (issue #23):
a run never loses another run's output (kind 4), and a user's mistake is
one line ``error: <message>``, not a traceback, with nothing written
(kind 3)."""
import csv
import json
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest

from hyatt_mmpose.adaptation import SiteOffsetsError
from hyatt_mmpose.apis import LandmarkPredictor
from hyatt_mmpose.calibration import CalibrationError, LandmarkCalibration
from hyatt_mmpose.commands import calibrate as calibrate_tool
from hyatt_mmpose.commands import predict as predict_tool
from hyatt_mmpose.utils import output_lock
from ..utils import REPO_ROOT


def run_tool(tool, *args):
    return subprocess.run(
        [
            sys.executable,
            osp.join(REPO_ROOT, 'tools', f'{tool}.py'), *map(str, args)
        ],
        capture_output=True,
        text=True,
        # no relaunch under tcmalloc: one interpreter start is enough here
        env=dict(os.environ, HYATT_ALLOCATOR='system'),
        timeout=300)


def assert_one_line_error(done, *words):
    assert 'Traceback' not in done.stderr, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith('error: '), done.stderr
    for word in words:
        assert word in last


@pytest.mark.slow
def test_a_folder_another_run_writes_to_is_refused(tiny_checkpoint,
                                                   synthetic_root, tmp_path):
    """Two tools/predict.py runs into one --out-dir: each would write
    landmarks.csv, the last keeping only its own rows. This test process is
    the first run (it holds the folder); the tool is the second."""
    config, checkpoint = tiny_checkpoint
    out = tmp_path / 'predictions'
    with output_lock(str(out / 'landmarks.csv')):
        done = run_tool('predict', config, checkpoint,
                        f'{synthetic_root}/images/test_0000.png', '--out-dir',
                        out)
        # only the first run's lock file is there: the second wrote nothing
        assert os.listdir(out) == ['.landmarks.csv.lock']
    assert done.returncode == 2
    assert_one_line_error(done, str(out / 'landmarks.csv'),
                          f'pid {os.getpid()}')


def test_an_earlier_runs_table_is_kept_without_overwrite(
        tiny_checkpoint, synthetic_root, tmp_path, capsys):
    """A second run into a folder that holds an earlier run's outputs (on
    other images): refused, the earlier table intact; --overwrite replaces
    it."""
    config, checkpoint = tiny_checkpoint
    out = tmp_path / 'predictions'

    def predict(image, *extra):
        return predict_tool.main([
            config, checkpoint, f'{synthetic_root}/images/{image}',
            '--out-dir',
            str(out), *extra
        ])

    def table():
        with open(out / 'landmarks.csv', encoding='utf-8-sig') as f:
            return [osp.basename(row['image']) for row in csv.DictReader(f)]

    assert predict('test_0000.png') == 0
    capsys.readouterr()
    assert predict('test_0001.png') == 2
    assert 'landmarks.csv already exists' in capsys.readouterr().err
    assert table() == ['test_0000.png']
    assert not (out / 'test_0001.json').exists()
    assert predict('test_0001.png', '--overwrite') == 0
    assert table() == ['test_0001.png']


def test_calibrate_refuses_an_output_another_run_writes(
        tiny_checkpoint, tmp_path, capsys):
    """Second member of kind 4: two tools/calibrate.py runs to one --out
    both said 'written'."""
    config, checkpoint = tiny_checkpoint
    out = tmp_path / 'cal.json'
    with output_lock(str(out)):
        assert calibrate_tool.main(
            [config, checkpoint, '--split', 'test', '--out',
             str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith('error: ') and f'pid {os.getpid()}' in err
    assert os.listdir(tmp_path) == []


def calibration_file(path, names, **record):
    """A calibration of the given landmarks (radial score, 4 images)."""
    LandmarkCalibration(
        0.5, 'radial', names, np.ones((4, len(names))),
        record=record).save(str(path))
    return str(path)


@pytest.mark.slow
def test_a_calibration_of_another_checkpoint_is_one_error_line(
        tiny_checkpoint, synthetic_root, tmp_path):
    """Kind 3: --calibration with a file that is refused (here: made for
    another checkpoint) gave a traceback."""
    config, checkpoint = tiny_checkpoint
    path = calibration_file(
        tmp_path / 'cal.json',
        LandmarkPredictor(config, checkpoint).names,
        checkpoint='other.pth',
        checkpoint_sha256='0' * 64)
    out = tmp_path / 'out'
    done = run_tool('predict', config, checkpoint,
                    f'{synthetic_root}/images/test_0000.png', '--out-dir', out,
                    '--calibration', path)
    assert done.returncode == 2
    assert_one_line_error(done, 'cal.json', 'other.pth')
    assert not out.exists()


@pytest.mark.parametrize('mistake', [
    'offsets not JSON', 'offsets of another format',
    'calibration of other landmarks'
])
def test_other_files_that_cannot_be_used_are_refused_first(
        mistake, tiny_checkpoint, synthetic_root, tmp_path, capsys):
    """Kind 3, more members: --site-offsets with a bad file, --calibration
    made for other landmarks. Each is an error the tool prints as one line
    (:data:`REFUSALS`, exit status 2), raised before anything is
    written."""
    config, checkpoint = tiny_checkpoint
    bad = tmp_path / 'bad.json'
    if mistake == 'calibration of other landmarks':
        names = LandmarkPredictor(config, checkpoint).names
        calibration_file(bad, [f'other_{n}' for n in names])
        option, keyword, error = ('--calibration', 'calibration',
                                  CalibrationError)
    else:
        bad.write_text('not JSON' if mistake ==
                       'offsets not JSON' else '{"format": "other"}')
        option, keyword, error = ('--site-offsets', 'site_offsets',
                                  SiteOffsetsError)
    out = tmp_path / 'out'
    with pytest.raises(error, match='bad.json') as err:
        LandmarkPredictor(config, checkpoint, **{keyword: str(bad)})
    assert isinstance(err.value, predict_tool.REFUSALS)
    assert predict_tool.main([
        config, checkpoint, f'{synthetic_root}/images/test_0000.png',
        '--out-dir',
        str(out), option,
        str(bad)
    ]) == 2
    assert capsys.readouterr().err == f'error: {err.value}\n'
    assert not out.exists()


@pytest.mark.slow
def test_calibrate_on_a_file_without_images_is_one_error_line(
        tiny_checkpoint, synthetic_root, tmp_path):
    """Kind 3: it said 'need at least one array to concatenate'."""
    config, checkpoint = tiny_checkpoint
    with open(f'{synthetic_root}/annotations/test.json') as f:
        doc = json.load(f)
    empty = tmp_path / 'empty.json'
    empty.write_text(json.dumps(dict(doc, images=[], annotations=[])))
    out = tmp_path / 'cal.json'
    done = run_tool('calibrate', config, checkpoint, '--ann-file', empty,
                    '--out', out)
    assert done.returncode == 1
    assert_one_line_error(done, str(empty))
    assert os.listdir(tmp_path) == ['empty.json']  # no output, no lock


def test_a_missing_config_is_one_error_line(synthetic_root, tmp_path, capsys):
    checkpoint = str(tmp_path / 'never_read.pth')
    missing = str(tmp_path / 'nope.py')
    out = tmp_path / 'out'
    assert predict_tool.main([
        missing, checkpoint, f'{synthetic_root}/images/test_0000.png',
        '--out-dir',
        str(out)
    ]) == 2
    assert capsys.readouterr().err == \
        f'error: {missing}: no such config file\n'
    assert not out.exists()
