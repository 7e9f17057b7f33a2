import torch.distributed as dist

from hyatt_mmpose.utils import leave_process_group


def test_a_run_leaves_its_process_group(tmp_path):
    leave_process_group()  # none yet: nothing to do
    dist.init_process_group(
        'gloo', init_method=f'file://{tmp_path}/store', rank=0, world_size=1)
    assert dist.is_initialized()
    leave_process_group()
    assert not dist.is_initialized()
