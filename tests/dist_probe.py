"""Loaded by the distributed test's config (custom_imports) in every
process: records which samples each rank trains on, and which ranks write
files through mmengine's local file backend (how checkpoints are saved)."""
import os
import os.path as osp

from mmengine.fileio.backends import LocalBackend
from mmengine.hooks import Hook
from mmengine.registry import HOOKS


def _rank() -> str:
    return os.environ.get('RANK', '0')


_put = LocalBackend.put


def _recording_put(self, obj, filepath):
    """mmengine writes checkpoints through its file backend's put."""
    probe_dir = os.environ.get('DIST_PROBE_DIR')
    if probe_dir:
        with open(osp.join(probe_dir, f'saves_rank{_rank()}.txt'), 'a') as f:
            f.write(f'{filepath}\n')
    return _put(self, obj, filepath)


LocalBackend.put = _recording_put


@HOOKS.register_module()
class RecordSamplesHook(Hook):
    """Appends the image ids of every training batch to a per-rank file."""

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None):
        ids = [str(s.img_id) for s in data_batch['data_samples']]
        path = osp.join(os.environ['DIST_PROBE_DIR'],
                        f'samples_rank{_rank()}.txt')
        with open(path, 'a') as f:
            f.write(' '.join(ids) + '\n')
