import os.path as osp

from hyatt_mmpose.apis.training import RESUME_LATEST, training_config
from hyatt_mmpose.utils import latest_checkpoint
from ..utils import REPO_ROOT


def test_latest_checkpoint_is_this_work_dirs_own(tmp_path):
    assert latest_checkpoint(str(tmp_path)) is None
    for name in ('epoch_2.pth', 'epoch_10.pth', 'best_MRE_epoch_12.pth',
                 'iter_50.pth'):
        (tmp_path / name).write_bytes(b'')
    # what a copied run's last_checkpoint holds: the original's path
    (tmp_path / 'last_checkpoint').write_text('/elsewhere/epoch_30.pth')
    assert latest_checkpoint(str(tmp_path)) == str(tmp_path / 'epoch_10.pth')


def test_resume_without_own_checkpoint_starts_afresh(tmp_path):
    # a copied work dir with only mmengine's pointer into the original run
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'x.pth'))
    config = osp.join(REPO_ROOT, 'configs', 'hyatt_synthetic_demo.py')
    cfg = training_config(config, str(tmp_path), RESUME_LATEST)
    assert cfg.resume is False and cfg.load_from is None
    (tmp_path / 'epoch_3.pth').write_bytes(b'')
    cfg = training_config(config, str(tmp_path), RESUME_LATEST)
    assert cfg.resume is True
    assert cfg.load_from == str(tmp_path / 'epoch_3.pth')
