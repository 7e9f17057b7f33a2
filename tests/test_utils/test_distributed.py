import pytest
import torch.distributed as dist

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
