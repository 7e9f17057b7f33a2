import os.path as osp

from mmengine.config import Config

from hyatt_mmpose.utils.config_digest import prediction_config_sha256
from ..utils import REPO_ROOT

REFINED = osp.join(REPO_ROOT, 'configs',
                   'hyatt_cephalometric_cpu-256x320_refined.py')


def test_coarse_checkpoint_does_not_change_the_digest():
    # train.py writes the config with the coarse checkpoint's path into
    # the work dir; the file in configs/ has none: one model, one digest
    plain = Config.fromfile(REFINED)
    trained = Config.fromfile(REFINED)
    trained.model.coarse_checkpoint = 'work_dirs/coarse/best.pth'
    assert prediction_config_sha256(plain) == \
        prediction_config_sha256(trained)


def test_refinement_settings_change_the_digest():
    plain = Config.fromfile(REFINED)
    other = Config.fromfile(REFINED)
    other.model.refiner.min_score = 0.5
    assert prediction_config_sha256(plain) != prediction_config_sha256(other)
