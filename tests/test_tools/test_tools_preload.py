"""The tools that train and evaluate choose their allocator before they
import the package or parse their arguments (hyatt_mmpose_allocator.py):
an unknown HYATT_ALLOCATOR stops even ``--help``, and the restart with
tcmalloc imports torch once, not twice."""
import os
import os.path as osp
import subprocess
import sys

import pytest

from hyatt_mmpose_allocator import (ALLOCATOR_VARIABLE, RESTART_NOTE,
                                    find_tcmalloc)
from ..utils import REPO_ROOT

RESTARTING = ['train', 'test', 'adapt', 'calibrate']


def run_tool(tool, *options, **env):
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ('LD_PRELOAD', ALLOCATOR_VARIABLE)
    }
    # a run on the CPU, on machines with a GPU too (those keep glibc)
    environ['CUDA_VISIBLE_DEVICES'] = ''
    return subprocess.run([
        sys.executable, *options,
        osp.join(REPO_ROOT, 'tools', f'{tool}.py'), '--help'
    ],
                          capture_output=True,
                          text=True,
                          env=dict(environ, **env))


@pytest.mark.parametrize('tool', RESTARTING)
def test_tool_asks_for_its_allocator_first(tool):
    done = run_tool(tool, HYATT_ALLOCATOR='bogus')
    assert done.returncode == 1
    # one line, no traceback
    assert done.stderr.strip().splitlines()[-1].startswith(
        "error: HYATT_ALLOCATOR='bogus': use tcmalloc")
    assert 'Traceback' not in done.stderr
    assert 'usage:' not in done.stdout


def top_level_imports(stderr: str, name: str) -> int:
    """How often ``python -X importtime`` reports importing ``name`` itself
    (its lines read ``import time: self | cumulative | <name>``)."""
    return sum(1 for line in stderr.splitlines()
               if line.startswith('import time:')
               and line.split('|')[-1].strip() == name)


@pytest.mark.skipif(
    find_tcmalloc() is None,
    reason='no tcmalloc here (make setup installs it on Debian and Ubuntu)')
@pytest.mark.parametrize('tool', RESTARTING)
@pytest.mark.slow
def test_restart_comes_before_the_heavy_imports(tool):
    """Before, the tools imported hyatt_mmpose (torch, mmengine, mmpose:
    about 3 s) and then restarted, importing it all again: torch twice in
    one command. The relaunched process runs with the same ``-X
    importtime``, so both processes report their imports; mmengine is the
    other member of the kind checked."""
    done = run_tool(tool, '-X', 'importtime')
    assert done.returncode == 0, done.stderr[-2000:]
    assert 'usage:' in done.stdout
    assert done.stderr.count(RESTART_NOTE) == 1
    # the relaunched process has it: the restart did happen
    assert top_level_imports(done.stderr, 'hyatt_mmpose_allocator') == 2
    assert top_level_imports(done.stderr, 'torch') == 1
    assert top_level_imports(done.stderr, 'mmengine') == 1
