import os
import subprocess
import sys
import textwrap

import pytest

from hyatt_mmpose.utils import (allocator, find_tcmalloc,
                                relaunch_with_tcmalloc, tcmalloc_environ)

needs_tcmalloc = pytest.mark.skipif(
    find_tcmalloc() is None,
    reason='no tcmalloc here (make setup installs it on Debian and Ubuntu)')

# Prints a line in every process it runs in, relaunches, then reports the
# libraries mapped into the process and the minor page faults of 20 rounds
# of allocating, filling and freeing 64 MiB.
SCRIPT = textwrap.dedent("""
    import os, resource, sys
    import numpy as np
    print('start', os.getpid(), flush=True)
    from hyatt_mmpose.utils import relaunch_with_tcmalloc
    relaunch_with_tcmalloc()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        block = np.ones(2**23)  # 64 MiB
        del block
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    with open('/proc/self/maps') as f:
        tcmalloc = any('tcmalloc' in line for line in f)
    print('end', os.getpid(), tcmalloc, faults, sys.argv[1:])
""")


def run_script(tmp_path, **env):
    script = tmp_path / 'probe.py'
    script.write_text(SCRIPT)
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ('LD_PRELOAD', allocator.ALLOCATOR_VARIABLE)
    }
    done = subprocess.run(
        [sys.executable, str(script), 'a', '--b'],
        capture_output=True,
        text=True,
        env=dict(environ, **env),
        check=True)
    return [line.split() for line in done.stdout.splitlines()], done.stderr


def test_find_tcmalloc_prefers_the_environment(tmp_path, monkeypatch):
    (tmp_path / 'lib').mkdir()
    monkeypatch.setattr(sys, 'prefix', str(tmp_path))
    monkeypatch.setattr(allocator.ctypes.util, 'find_library',
                        lambda name: None)
    assert find_tcmalloc() is None
    library = tmp_path / 'lib' / 'libtcmalloc_minimal.so.4'
    library.write_bytes(b'')
    assert find_tcmalloc() == str(library)
    monkeypatch.setattr(allocator.ctypes.util, 'find_library',
                        lambda name: f'lib{name}.so.4')
    assert find_tcmalloc() == str(library)
    library.unlink()
    assert find_tcmalloc() == 'libtcmalloc_minimal.so.4'


def test_tcmalloc_environ_puts_the_library_first():
    environ = dict(LD_PRELOAD='libfoo.so:libbar.so', HOME='/h')
    env = tcmalloc_environ('/x/libtcmalloc_minimal.so.4', environ)
    assert env['LD_PRELOAD'] == ('/x/libtcmalloc_minimal.so.4:'
                                 'libfoo.so:libbar.so')
    assert env['HOME'] == '/h'
    assert int(env['TCMALLOC_LARGE_ALLOC_REPORT_THRESHOLD']) >= 2**40
    assert environ['LD_PRELOAD'] == 'libfoo.so:libbar.so'  # not changed
    assert tcmalloc_environ('t.so', {})['LD_PRELOAD'] == 't.so'


def test_unknown_allocator_is_refused(monkeypatch):
    monkeypatch.setenv(allocator.ALLOCATOR_VARIABLE, 'jemalloc')
    with pytest.raises(ValueError, match='HYATT_ALLOCATOR=.jemalloc.*system'):
        relaunch_with_tcmalloc()


def test_no_tcmalloc_leaves_the_process_with_a_note(monkeypatch, capsys):
    monkeypatch.delenv(allocator.ALLOCATOR_VARIABLE, raising=False)
    monkeypatch.delenv('LD_PRELOAD', raising=False)
    monkeypatch.setattr(allocator, 'find_tcmalloc', lambda: None)
    monkeypatch.setattr(allocator.os, 'execve', pytest.fail)
    relaunch_with_tcmalloc()
    assert 'tcmalloc not found' in capsys.readouterr().err


@needs_tcmalloc
def test_relaunch_preloads_tcmalloc_once_and_keeps_pages(tmp_path):
    lines, stderr = run_script(tmp_path)
    # one relaunch: the same process (pid) started twice, with its arguments
    assert [line[0] for line in lines] == ['start', 'start', 'end']
    assert lines[0][1] == lines[1][1] == lines[2][1]
    assert lines[2][2] == 'True'
    assert lines[2][4:] == ["['a',", "'--b']"]
    assert 'large alloc' not in stderr

    system, _ = run_script(tmp_path, HYATT_ALLOCATOR='system')
    assert [line[0] for line in system] == ['start', 'end']
    assert system[1][2] == 'False'
    # glibc maps each 64 MiB block afresh, so every round faults its pages
    # in again (how many faults a page costs depends on the kernel's folio
    # sizes); tcmalloc reuses the pages of the first round
    with_tcmalloc, with_system = int(lines[2][3]), int(system[1][3])
    assert with_tcmalloc * 5 < with_system


@needs_tcmalloc
def test_a_preloaded_allocator_is_kept(tmp_path):
    lines, _ = run_script(tmp_path, LD_PRELOAD=find_tcmalloc())
    assert [line[0] for line in lines] == ['start', 'end']
    assert lines[1][2] == 'True'
