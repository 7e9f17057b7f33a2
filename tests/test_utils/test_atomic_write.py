import os
import stat

import pytest

from hyatt_mmpose.utils import atomic_write


def test_written_whole_with_usual_permissions(tmp_path):
    path = tmp_path / 'sub' / 'out.json'
    with atomic_write(str(path)) as f:
        f.write('{"a": 1}')
    assert path.read_text() == '{"a": 1}'
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert os.listdir(tmp_path / 'sub') == ['out.json']


def test_a_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / 'out.csv'
    path.write_text('old')
    with pytest.raises(RuntimeError):
        with atomic_write(str(path)) as f:
            f.write('half')
            raise RuntimeError('crash while writing')
    assert path.read_text() == 'old'
    assert os.listdir(tmp_path) == ['out.csv']
