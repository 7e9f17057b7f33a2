import os

import pytest
import torch.distributed as dist
import torch.nn as nn
from torch.nn.parallel import DistributedDataParallel

from hyatt_mmpose.utils import leave_process_group


def test_a_run_leaves_its_process_group(tmp_path):
    leave_process_group(finished=True)  # none yet: nothing to do
    dist.init_process_group(
        'gloo', init_method=f'file://{tmp_path}/store', rank=0, world_size=1)
    assert dist.is_initialized()
    leave_process_group(finished=True)
    assert not dist.is_initialized()


@pytest.mark.parametrize('finished', [True, False])
def test_only_a_finished_run_waits_for_the_other_ranks(tmp_path, monkeypatch,
                                                       finished):
    # after a failure on one rank the others may never reach a barrier
    calls = []
    monkeypatch.setattr(dist, 'barrier', lambda: calls.append('barrier'))
    dist.init_process_group(
        'gloo', init_method=f'file://{tmp_path}/store', rank=0, world_size=1)
    leave_process_group(finished)
    assert not dist.is_initialized()
    assert calls == (['barrier'] if finished else [])


def threads() -> int:
    return len(os.listdir('/proc/self/task'))


@pytest.mark.skipif(
    not os.path.isdir('/proc/self/task'), reason='Linux threads in /proc')
def test_the_groups_threads_end_with_the_run(tmp_path):
    # a DDP wrapper in a reference cycle (as a runner holds it) keeps the
    # gloo group, and its threads, alive past destroy_process_group: at
    # the interpreter's exit they could abort the process
    before = threads()
    dist.init_process_group(
        'gloo', init_method=f'file://{tmp_path}/store', rank=0, world_size=1)
    try:
        cycle = {'model': DistributedDataParallel(nn.Linear(2, 2))}
        cycle['self'] = cycle
        del cycle
        assert threads() > before
        leave_process_group(finished=True)
        assert threads() == before
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
