"""DataLoader workers end with the process that started them."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import torch
from mmengine.config import Config
from torch.utils.data import DataLoader, Dataset

from hyatt_mmpose.apis import adapting
from hyatt_mmpose.utils import (end_workers_with_parent,
                                parent_bound_worker_init)
from ..utils import REPO_ROOT, tiny_config

INIT = dict(type='parent_bound_worker_init')


def test_every_dataloader_with_workers_gets_the_worker_start():
    own = dict(type='my_init')
    cfg = Config(
        dict(
            train_dataloader=dict(num_workers=2),
            val_dataloader=dict(num_workers=0),
            test_dataloader=dict(num_workers=1, worker_init_fn=own)))
    assert end_workers_with_parent(cfg) is cfg
    assert cfg.train_dataloader.worker_init_fn == INIT
    assert 'worker_init_fn' not in cfg.val_dataloader
    assert cfg.test_dataloader.worker_init_fn == own
    # a config without a validation loader
    end_workers_with_parent(Config(dict(val_dataloader=None)))


def test_fine_tuning_workers_get_it_too(synthetic_root, tmp_path):
    cfg = tiny_config(synthetic_root, str(tmp_path))
    ft = adapting.finetune_config(cfg, 'base.pth', 'a.json', str(tmp_path), 10,
                                  1e-3, 1.0, 0)
    assert ft.train_dataloader.worker_init_fn == INIT


class Draws(Dataset):
    """Each item: the worker's pid, its parent-death signal, random draws."""

    def __len__(self):
        return 4

    def __getitem__(self, index):
        import ctypes
        import random

        import numpy as np
        signal_number = ctypes.c_int()
        # PR_GET_PDEATHSIG
        ctypes.CDLL(None).prctl(2, ctypes.byref(signal_number))
        return (os.getpid(), signal_number.value, random.random(),
                float(np.random.rand()), float(torch.rand(())))


def draws(seed):
    torch.manual_seed(seed)
    loader = DataLoader(
        Draws(),
        num_workers=2,
        batch_size=None,
        worker_init_fn=parent_bound_worker_init)
    return list(loader)


@pytest.mark.skipif(
    not sys.platform.startswith('linux'), reason='prctl is Linux')
def test_workers_ask_to_die_with_parent_and_are_seeded():
    first = draws(0)
    assert all(item[1] == signal.SIGKILL for item in first)
    # two workers, each with its own random streams
    pids = sorted({item[0] for item in first})
    assert len(pids) == 2
    by_worker = [[item[2:] for item in first if item[0] == pid]
                 for pid in pids]
    assert by_worker[0][0] != by_worker[1][0]
    # seeded from the parent's seed: the same draws again
    assert [item[2:] for item in draws(0)] == [item[2:] for item in first]
    assert [item[2:] for item in draws(1)] != [item[2:] for item in first]


def cmdline(pid: int) -> bytes:
    try:
        with open(f'/proc/{pid}/cmdline', 'rb') as f:
            return f.read()
    except FileNotFoundError:
        return b''


def forked_children(pid: int) -> list:
    """The children of ``pid`` that run its command line: forked, such as
    DataLoader workers, not other programs."""
    found = []
    for task in os.listdir(f'/proc/{pid}/task'):
        with open(f'/proc/{pid}/task/{task}/children') as f:
            found += [int(c) for c in f.read().split()]
    return [c for c in found if cmdline(c) == cmdline(pid)]


def state(pid: int) -> str:
    """'R', 'S', ...; 'X' for a process that is gone."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0]
    except FileNotFoundError:
        return 'X'


@pytest.mark.skipif(
    not sys.platform.startswith('linux'), reason='prctl is Linux')
@pytest.mark.slow
def test_worker_ends_when_training_is_killed(synthetic_root, tmp_path):
    """tools/train.py killed with SIGKILL while its worker has more
    prefetched batches in its result pipe than the pipe holds, as when
    training is slower than loading. Before, the worker stayed: PyTorch's
    watchdog saw the parent gone, but the worker's exit waited for its
    queue's writing thread, blocked in the full pipe for good."""
    cfg = tiny_config(synthetic_root, str(tmp_path / 'work'))
    # 16 batches of 8 samples' metadata (about 17 KiB each) in flight: more
    # than the 64 KiB pipe
    cfg.train_dataloader.update(
        num_workers=1,
        persistent_workers=True,
        batch_size=8,
        prefetch_factor=16,
        sampler=dict(type='InfiniteSampler', shuffle=True))
    cfg.train_cfg = dict(
        type='IterBasedTrainLoop', max_iters=10**6, val_interval=10**6)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.default_hooks.checkpoint.update(interval=10**6, save_best=None)
    config = str(tmp_path / 'slow.py')
    cfg.dump(config)
    main = subprocess.Popen(
        [sys.executable,
         os.path.join(REPO_ROOT, 'tools', 'train.py'), config],
        cwd=str(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    workers = []
    try:
        deadline = time.time() + 120
        while not workers and time.time() < deadline and main.poll() is None:
            time.sleep(0.5)
            workers = forked_children(main.pid)
        time.sleep(3)  # the worker fills its prefetch, the pipe
        workers = forked_children(main.pid)
        assert len(workers) == 1, 'no DataLoader worker running'
        main.send_signal(signal.SIGKILL)
        main.wait()
        # PyTorch's watchdog looks every 5 s; a worker that is left at 10 s
        # stays
        assert ended(workers[0], within=10)
    finally:
        if main.poll() is None:
            main.kill()
        for worker in workers:
            if state(worker) not in 'XZ':
                os.kill(worker, signal.SIGKILL)


def ended(pid: int, within: float) -> bool:
    """Whether ``pid`` is gone (or a zombie) within ``within`` seconds."""
    deadline = time.time() + within
    while time.time() < deadline and state(pid) not in 'XZ':
        time.sleep(0.2)
    return state(pid) in 'XZ'


# Starts a worker that blocks in its task, prints its pid and sleeps.
BLOCKED = textwrap.dedent("""
    import os, time
    from torch.utils.data import DataLoader, Dataset
    from hyatt_mmpose.utils import parent_bound_worker_init

    class Blocks(Dataset):
        def __len__(self):
            return 1

        def __getitem__(self, index):
            print(os.getpid(), flush=True)
            time.sleep(600)

    init = parent_bound_worker_init if os.environ['BOUND'] == '1' else None
    next(iter(DataLoader(Blocks(), num_workers=1, worker_init_fn=init)))
""")


@pytest.mark.skipif(
    not sys.platform.startswith('linux'), reason='prctl is Linux')
@pytest.mark.slow
def test_worker_busy_in_its_task_ends_with_parent(tmp_path):
    """The other member of the kind: a worker busy in a task (a slow read,
    a lock held at fork) never reaches PyTorch's watchdog. Without the
    worker start (BOUND=0) the worker outlives its killed parent."""
    script = tmp_path / 'blocked.py'
    script.write_text(BLOCKED)
    for bound in ('1', '0'):
        main = subprocess.Popen([sys.executable, str(script)],
                                stdout=subprocess.PIPE,
                                text=True,
                                env=dict(os.environ, BOUND=bound))
        worker = int(main.stdout.readline())
        try:
            main.send_signal(signal.SIGKILL)
            main.wait()
            assert ended(worker, within=8) == (bound == '1')
        finally:
            main.stdout.close()
            if state(worker) not in 'XZ':
                os.kill(worker, signal.SIGKILL)
