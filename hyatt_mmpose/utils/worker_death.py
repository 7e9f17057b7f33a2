"""DataLoader workers that end with the process that started them.

PyTorch's workers look for their parent between tasks (``ManagerWatchdog``,
every 5 s) and then leave, but a worker cannot leave while its result queue
has a batch it has not written: Python's queue joins its writing thread at
exit, and that thread waits in the pipe forever once the parent is gone
(the worker holds the pipe's other end too, so the write never fails). The
pipe holds 64 KiB; batches go through it as their tensors' handles and
their samples' metadata (about 2 KiB a sample), so it fills when training
is slower than loading and the prefetched batches hold more (4 workers x 2
batches x 8 samples do). A training process killed with SIGKILL then
leaves workers behind (issue 23: one of 560 MB, running 12 minutes later).
Here each worker asks the kernel to kill it when its parent ends
(``prctl(PR_SET_PDEATHSIG)``, Linux), wherever it is blocked.
"""
import ctypes
import multiprocessing
import os
import random
import signal
import sys

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dist import get_rank
from mmengine.registry import FUNCTIONS
from torch.utils.data import get_worker_info

# <linux/prctl.h>
PR_SET_PDEATHSIG = 1
#: The dataloaders :func:`end_workers_with_parent` gives the worker start.
DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def _die_with_parent() -> None:
    """Has the kernel SIGKILL this process when its parent ends (Linux)."""
    if not sys.platform.startswith('linux'):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f'prctl(PR_SET_PDEATHSIG): {os.strerror(errno)}')
    # The parent may have ended before the request: nothing will signal.
    if os.getppid() != multiprocessing.parent_process().pid:
        os.kill(os.getpid(), signal.SIGKILL)


@FUNCTIONS.register_module()
def parent_bound_worker_init(worker_id: int) -> None:
    """Starts a DataLoader worker: bound to its parent's life, and seeded.

    The kernel kills the worker when the thread that started it ends
    (mmengine's loops start them from the main thread). Seeding: PyTorch
    has seeded ``random``, numpy and torch in the worker from a seed drawn
    from the parent's generator (which the runner seeded) plus the worker
    id; as mmengine's default ``worker_init_fn`` (which a configured one
    replaces) does, the seed also differs between ranks.

    Args:
        worker_id (int): The worker's index in its DataLoader.
    """
    _die_with_parent()
    info = get_worker_info()
    seed = (info.seed + info.num_workers * get_rank()) % 2**32
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def end_workers_with_parent(cfg: Config) -> Config:
    """Has the workers of ``cfg``'s dataloaders start with
    :func:`parent_bound_worker_init`, so that none outlives the process
    that runs ``cfg`` (see the module's docstring).

    Args:
        cfg (Config): A config to build a Runner from; changed in place.
            Dataloaders with a ``worker_init_fn`` of their own, and those
            without workers, are left as they are.

    Returns:
        Config: ``cfg``.
    """
    for name in DATALOADERS:
        loader = cfg.get(name)
        if isinstance(loader, dict) and loader.get('num_workers', 0) > 0:
            loader.setdefault('worker_init_fn',
                              dict(type='parent_bound_worker_init'))
    return cfg
