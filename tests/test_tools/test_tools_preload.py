"""The tools that train and evaluate choose their allocator before they
parse their arguments (hyatt_mmpose/utils/allocator.py): an unknown
HYATT_ALLOCATOR stops even ``--help``."""
import os
import os.path as osp
import subprocess
import sys

import pytest

from ..utils import REPO_ROOT


@pytest.mark.parametrize('tool', ['train', 'test', 'adapt', 'calibrate'])
def test_tool_asks_for_its_allocator_first(tool):
    done = subprocess.run(
        [sys.executable,
         osp.join(REPO_ROOT, 'tools', f'{tool}.py'), '--help'],
        capture_output=True,
        text=True,
        env=dict(os.environ, HYATT_ALLOCATOR='bogus'))
    assert done.returncode == 1
    # one line, no traceback
    assert done.stderr.strip().splitlines()[-1].startswith(
        "error: HYATT_ALLOCATOR='bogus': use tcmalloc")
    assert 'Traceback' not in done.stderr
    assert 'usage:' not in done.stdout
