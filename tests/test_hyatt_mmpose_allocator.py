import json
import os
import os.path as osp
import subprocess
import sys
import textwrap

import pytest

import hyatt_mmpose_allocator as allocator
from hyatt_mmpose_allocator import (find_tcmalloc, relaunch_with_tcmalloc,
                                    tcmalloc_environ)

needs_tcmalloc = pytest.mark.skipif(
    find_tcmalloc() is None,
    reason='no tcmalloc here (make setup installs it on Debian and Ubuntu)')

# Reports once in every process it runs in (with the LD_LIBRARY_PATH it has
# after its imports), relaunches, then reports the minor page faults of 20
# rounds of allocating, filling and freeing 64 MiB (after one such round),
# whether tcmalloc is mapped into it and into a program it starts, and its
# LD_PRELOAD and LD_LIBRARY_PATH.
SCRIPT = textwrap.dedent("""
    import json, os, resource, subprocess, sys
    import numpy as np
    from hyatt_mmpose_allocator import relaunch_with_tcmalloc
    print(json.dumps(dict(stage='start', pid=os.getpid(),
        ld_library_path=os.environ.get('LD_LIBRARY_PATH'))), flush=True)
    relaunch_with_tcmalloc()
    np.ones(2**23)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        block = np.ones(2**23)  # 64 MiB
        del block
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    with open('/proc/self/maps') as f:
        maps = f.read()
    child = subprocess.run(['cat', '/proc/self/maps'], capture_output=True,
                           text=True, check=True).stdout
    print(json.dumps(dict(
        stage='end', pid=os.getpid(), tcmalloc='tcmalloc' in maps,
        child_tcmalloc='tcmalloc' in child, faults=faults,
        argv=sys.argv[1:], ld_preload=os.environ.get('LD_PRELOAD'),
        ld_library_path=os.environ.get('LD_LIBRARY_PATH'))))
""")


def run_probe(tmp_path, python=sys.executable, **env):
    """The finished probe: its stdout's records and its stderr."""
    script = tmp_path / 'probe.py'
    script.write_text(SCRIPT)
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ('LD_PRELOAD', allocator.ALLOCATOR_VARIABLE)
    }
    done = subprocess.run([python, '-u', str(script), 'a', '--b'],
                          capture_output=True,
                          text=True,
                          env=dict(environ, CUDA_VISIBLE_DEVICES='', **env),
                          check=True)
    return [json.loads(line) for line in done.stdout.splitlines()], done.stderr


def test_the_module_imports_nothing_heavy():
    """The restart happens before torch is imported: its module uses only
    the standard library. Before, it lived in ``hyatt_mmpose.utils``, whose
    import loads torch, mmengine and mmpose (about 3 s, paid again after
    the restart); another member of the kind: numpy, which the restart
    does not need either."""
    done = subprocess.run([
        sys.executable, '-c', 'import sys, hyatt_mmpose_allocator; '
        'print(sorted(m for m in ("hyatt_mmpose", "torch", "mmengine", '
        '"numpy") if m in sys.modules))'
    ],
                          capture_output=True,
                          text=True,
                          check=True)
    assert done.stdout.strip() == '[]'


def run_script(tmp_path, **env):
    return run_probe(tmp_path, **env)[0]


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
    assert env == dict(
        LD_PRELOAD='/x/libtcmalloc_minimal.so.4:libfoo.so:libbar.so',
        HOME='/h')
    assert environ['LD_PRELOAD'] == 'libfoo.so:libbar.so'  # not changed
    assert tcmalloc_environ('t.so', {})['LD_PRELOAD'] == 't.so'


def test_tcmalloc_environ_keeps_a_space_out_of_ld_preload():
    """The loader splits LD_PRELOAD at spaces: the library goes by its file
    name, its folder first in LD_LIBRARY_PATH (split at ':' and ';' only).
    The other member of the kind, a ':' in the folder, cannot be carried by
    either variable and is refused."""
    library = '/home/me/My Envs/venv/lib/libtcmalloc_minimal.so.4'
    env = tcmalloc_environ(library, dict(LD_PRELOAD='libfoo.so'))
    assert env == dict(
        LD_PRELOAD='libtcmalloc_minimal.so.4:libfoo.so',
        LD_LIBRARY_PATH='/home/me/My Envs/venv/lib')
    env = tcmalloc_environ(library, dict(LD_LIBRARY_PATH='/a:/b'))
    assert env['LD_LIBRARY_PATH'] == '/home/me/My Envs/venv/lib:/a:/b'
    for folder in ('/a:b', '/a b;c', '/a:b c'):
        with pytest.raises(ValueError, match=f'from "{folder}/libtc.so": '):
            tcmalloc_environ(f'{folder}/libtc.so', {})
    # a semicolon alone is no separator of LD_PRELOAD
    assert tcmalloc_environ('/a;b/libtc.so',
                            {}) == dict(LD_PRELOAD='/a;b/libtc.so')


def test_unknown_allocator_is_refused(monkeypatch):
    assert allocator.chosen_allocator({}) == 'tcmalloc'
    assert allocator.chosen_allocator({'HYATT_ALLOCATOR': ''}) == 'tcmalloc'
    assert allocator.chosen_allocator({'HYATT_ALLOCATOR':
                                       'system'}) == 'system'
    with pytest.raises(ValueError, match='HYATT_ALLOCATOR=.jemalloc.*system'):
        allocator.chosen_allocator({'HYATT_ALLOCATOR': 'jemalloc'})
    monkeypatch.setenv(allocator.ALLOCATOR_VARIABLE, 'jemalloc')
    with pytest.raises(SystemExit, match='error: HYATT_ALLOCATOR=.jemalloc'):
        relaunch_with_tcmalloc()


@pytest.fixture
def execve(monkeypatch):
    """Records the relaunch instead of doing it."""
    for name in ('LD_PRELOAD', allocator.ALLOCATOR_VARIABLE,
                 allocator.RELAUNCHED):
        monkeypatch.delenv(name, raising=False)
    # a run on the CPU, on machines with a GPU too
    monkeypatch.setenv('CUDA_VISIBLE_DEVICES', '')
    calls = []
    monkeypatch.setattr(allocator.os, 'execve',
                        lambda *args: calls.append(args))
    return calls


def test_relaunch_runs_the_same_command_with_tcmalloc(execve, monkeypatch):
    monkeypatch.setenv('LD_PRELOAD', 'libfoo.so')
    monkeypatch.setattr(allocator, 'find_tcmalloc', lambda: '/l/libtc.so')
    monkeypatch.setattr(sys, 'orig_argv', ['python', '-m', 'x', '--y'])
    relaunch_with_tcmalloc()
    ((path, argv, environ), ) = execve
    assert (path, argv) == (sys.executable, ['python', '-m', 'x', '--y'])
    assert environ['LD_PRELOAD'] == '/l/libtc.so:libfoo.so'
    assert environ[allocator.RELAUNCHED] == 'libfoo.so'
    assert environ['PATH'] == os.environ['PATH']
    # the relaunched process gives the programs it starts the old LD_PRELOAD
    monkeypatch.setattr(os, 'environ', environ)
    relaunch_with_tcmalloc()
    assert len(execve) == 1
    assert os.environ['LD_PRELOAD'] == 'libfoo.so'
    assert allocator.RELAUNCHED not in os.environ


def test_device_option_is_read_without_a_parser():
    assert allocator.device_option(['python', 'x.py', 'c']) is None
    assert allocator.device_option(['x.py', '--device', 'cuda:1']) == 'cuda:1'
    assert allocator.device_option(['x.py', '--device=cpu']) == 'cpu'
    assert allocator.device_option(['--device', 'cpu', '--device',
                                    'cuda']) == 'cuda'
    assert allocator.device_option(['x.py', '--device']) is None


def test_gpu_visible_reads_the_driver_and_the_mask(tmp_path, monkeypatch):
    gpus = tmp_path / 'gpus'
    monkeypatch.setattr(allocator, 'NVIDIA_GPUS', str(gpus))
    assert not allocator.gpu_visible({})  # no driver
    gpus.mkdir()
    assert not allocator.gpu_visible({})  # a driver, no GPU
    (gpus / '0000:01:00.0').mkdir()
    assert allocator.gpu_visible({})
    assert allocator.gpu_visible({'CUDA_VISIBLE_DEVICES': '0'})
    for hidden in ('', '-1', ' '):
        assert not allocator.gpu_visible({'CUDA_VISIBLE_DEVICES': hidden})


def test_runs_on_a_gpu_keep_glibc(execve, monkeypatch):
    """Before, a run on a GPU restarted with tcmalloc too, which slowed its
    CPU side, the data pipeline, about fivefold (mmpose's unbiased Gaussian
    heatmaps of the full-size config: 2.5-2.8 against 0.44-0.50 s a
    sample). Both members: a GPU found for train/test (default 'auto'),
    and --device cuda for calibrate/adapt (default 'cpu')."""
    monkeypatch.setattr(allocator, 'find_tcmalloc', lambda: '/l/libtc.so')
    monkeypatch.setattr(allocator, 'gpu_visible', lambda: True)
    monkeypatch.setattr(sys, 'orig_argv', ['python', 'tools/train.py', 'c'])
    allocator.relaunch_with_tcmalloc()
    assert execve == []
    # calibrate and adapt run on the CPU unless told
    allocator.relaunch_with_tcmalloc(default_device='cpu')
    assert len(execve) == 1
    monkeypatch.setattr(sys, 'orig_argv',
                        ['python', 'tools/calibrate.py', '--device', 'cuda'])
    allocator.relaunch_with_tcmalloc(default_device='cpu')
    assert len(execve) == 1
    # asked for by name, tcmalloc is had on a GPU too
    monkeypatch.setenv(allocator.ALLOCATOR_VARIABLE, 'tcmalloc')
    allocator.relaunch_with_tcmalloc(default_device='cpu')
    assert len(execve) == 2
    # and without a GPU, train and test restart
    monkeypatch.delenv(allocator.ALLOCATOR_VARIABLE)
    monkeypatch.setattr(allocator, 'gpu_visible', lambda: False)
    monkeypatch.setattr(sys, 'orig_argv', ['python', 'tools/train.py', 'c'])
    allocator.relaunch_with_tcmalloc()
    assert len(execve) == 3


def test_no_relaunch_when_not_wanted_or_not_found(execve, monkeypatch, capsys):
    monkeypatch.setattr(allocator, 'find_tcmalloc', lambda: None)
    relaunch_with_tcmalloc()
    assert 'tcmalloc not found' in capsys.readouterr().err
    monkeypatch.setattr(allocator, 'find_tcmalloc', lambda: '/l/libtc.so')
    monkeypatch.setenv(allocator.ALLOCATOR_VARIABLE, 'system')
    relaunch_with_tcmalloc()
    monkeypatch.delenv(allocator.ALLOCATOR_VARIABLE)
    monkeypatch.setenv('LD_PRELOAD', '/opt/libjemalloc.so.2')
    relaunch_with_tcmalloc()
    monkeypatch.delenv('LD_PRELOAD')
    monkeypatch.delattr(sys, 'orig_argv')  # Python 3.9
    relaunch_with_tcmalloc()
    assert execve == []
    assert capsys.readouterr().err == ''


@needs_tcmalloc
@pytest.mark.slow
def test_relaunch_preloads_tcmalloc_once_and_keeps_pages(tmp_path):
    start, again, end = run_script(tmp_path)
    # one relaunch: the same process started twice, with its arguments
    assert start['stage'] == again['stage'] == 'start'
    assert start['pid'] == again['pid'] == end['pid']
    assert end['argv'] == ['a', '--b']
    assert end['tcmalloc'] and not end['child_tcmalloc']
    assert end['ld_preload'] is None

    start, end = run_script(tmp_path, HYATT_ALLOCATOR='system')
    assert end['stage'] == 'end'
    assert not end['tcmalloc']
    # glibc maps each 64 MiB block afresh, so every round faults its pages
    # in again: at least one fault per 2 MiB (the largest folio a kernel
    # maps at a fault here); tcmalloc reuses the pages of the round before
    assert end['faults'] >= 20 * 32
    with_tcmalloc = run_script(tmp_path)[-1]['faults']
    assert with_tcmalloc * 5 < end['faults']


@needs_tcmalloc
@pytest.mark.parametrize('variable', allocator.LOCAL_RANK_VARIABLES)
def test_the_restart_is_said_once_per_machine(tmp_path, variable):
    """One line on stderr from the process that restarts, none from the
    restarted one; in a distributed launch (every worker restarts) from
    local rank 0 only. Before, nothing was said."""
    (start, again, end), stderr = run_probe(tmp_path, **{variable: '0'})
    assert start['pid'] == again['pid'] and end['tcmalloc']
    assert stderr == allocator.RESTART_NOTE + '\n'
    (start, again, end), stderr = run_probe(tmp_path, **{variable: '1'})
    assert start['pid'] == again['pid'] and end['tcmalloc']
    assert stderr == ''


def test_the_note_without_tcmalloc_is_said_once_per_machine(
        execve, monkeypatch, capsys):
    """The other member of the kind: 'tcmalloc not found' from local rank
    0 only."""
    monkeypatch.setattr(allocator, 'find_tcmalloc', lambda: None)
    monkeypatch.setenv('LOCAL_RANK', '1')
    relaunch_with_tcmalloc()
    assert capsys.readouterr().err == ''
    monkeypatch.setenv('LOCAL_RANK', '0')
    relaunch_with_tcmalloc()
    assert 'tcmalloc not found' in capsys.readouterr().err
    assert execve == []


@needs_tcmalloc
@pytest.mark.slow
def test_a_preloaded_allocator_is_kept(tmp_path):
    start, end = run_script(tmp_path, LD_PRELOAD=find_tcmalloc())
    assert end['stage'] == 'end'
    assert end['tcmalloc'] and end['child_tcmalloc']
    assert end['ld_preload'] == find_tcmalloc()


def venv_link(tmp_path, folder: str) -> str:
    """The interpreter of this environment, reached through a link to it in
    a folder named ``folder``: Python takes its environment, and
    find_tcmalloc its tcmalloc, from that path."""
    link = tmp_path / folder / 'venv'
    link.parent.mkdir()
    link.symlink_to(sys.prefix)
    python = str(link / 'bin' / osp.basename(sys.executable))
    assert subprocess.run(
        [python, '-c', 'from hyatt_mmpose_allocator import find_tcmalloc; '
         'print(find_tcmalloc())'],
        capture_output=True, text=True, check=True).stdout.strip() == \
        str(link / 'lib' / 'libtcmalloc_minimal.so.4')
    return python


needs_venv_tcmalloc = pytest.mark.skipif(
    not osp.isfile(osp.join(sys.prefix, 'lib', 'libtcmalloc_minimal.so.4')),
    reason='no tcmalloc in this environment (make setup puts it there)')


@needs_venv_tcmalloc
@pytest.mark.slow
def test_environment_under_a_path_with_a_space_gets_tcmalloc(tmp_path):
    """Before, LD_PRELOAD held the path whole: the loader read two missing
    files, printed an error for each and preloaded nothing."""
    python = venv_link(tmp_path, 'my envs')
    (start, again, end), stderr = run_probe(
        tmp_path, python, LD_LIBRARY_PATH='/opt/x')
    assert start['pid'] == again['pid'] == end['pid']
    assert end['tcmalloc'] and not end['child_tcmalloc']
    # the restart's own line, and no error of the loader
    assert stderr == allocator.RESTART_NOTE + '\n'
    # the programs it starts get the variables it was started with
    assert end['ld_preload'] is None
    assert end['ld_library_path'] == start['ld_library_path']
    assert 'my envs' not in end['ld_library_path']


@needs_venv_tcmalloc
@pytest.mark.slow
def test_environment_under_a_path_with_a_colon_runs_without(tmp_path):
    """A ':' splits LD_LIBRARY_PATH too: no relaunch, and one line that
    says why, instead of the loader's errors at every start."""
    python = venv_link(tmp_path, 'a:b')
    (start, end), stderr = run_probe(tmp_path, python)
    assert end['stage'] == 'end' and not end['tcmalloc']
    assert stderr.count('\n') == 1
    assert stderr.startswith('hyatt_mmpose: the dynamic loader cannot '
                             f'preload tcmalloc from "{tmp_path}/a:b/venv')
    assert 'ld.so' not in stderr
