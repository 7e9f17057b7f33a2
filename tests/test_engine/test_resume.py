"""Training with mmengine's Runner, then resuming from its checkpoint."""
import copy
import os.path as osp

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.runner import Runner

from ..utils import tiny_config


class RecordStart(Hook):
    """Records where a run starts and its optimizer state at that point."""

    def before_train(self, runner):
        self.epoch, self.iter = runner.epoch, runner.iter
        # A copy: the optimizer updates its state tensors in place.
        self.optim_state = copy.deepcopy(runner.optim_wrapper.state_dict())


@pytest.mark.slow
def test_resume_continues_at_epoch_3_with_saved_state(synthetic_root,
                                                      tmp_path):
    import hyatt_mmpose  # noqa: F401
    work_dir = str(tmp_path / 'work')
    first = Runner.from_cfg(tiny_config(synthetic_root, work_dir, 2))
    first.train()
    iters_per_epoch = len(first.train_dataloader)
    assert first.iter == 2 * iters_per_epoch
    saved = first.optim_wrapper.state_dict()['state']
    assert osp.exists(osp.join(work_dir, 'epoch_2.pth'))

    cfg = tiny_config(synthetic_root, work_dir, 3)
    cfg.resume = True  # finds epoch_2.pth, the latest in work_dir
    second = Runner.from_cfg(cfg)
    start = RecordStart()
    second.register_hook(start)
    second.train()

    assert start.epoch == 2 and start.iter == 2 * iters_per_epoch
    resumed = start.optim_state['state']
    assert resumed.keys() == saved.keys()
    for key in saved:
        for name in ('exp_avg', 'exp_avg_sq', 'step'):
            torch.testing.assert_close(resumed[key][name], saved[key][name])
    assert second.epoch == 3 and second.iter == 3 * iters_per_epoch
    assert osp.exists(osp.join(work_dir, 'epoch_3.pth'))
