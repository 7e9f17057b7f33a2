"""Reading a config with the user's overrides."""
import os.path as osp

from hyatt_mmpose.utils import default_work_dir, load_config


def test_overrides_are_merged_into_the_file(tmp_path):
    config = tmp_path / 'my_run.py'
    config.write_text("model = dict(type='A', head=dict(sigma=2.0))\n"
                      'max_epochs = 3\n')
    cfg = load_config(str(config), {'model.head.sigma': 1.5})
    assert cfg.model.head.sigma == 1.5 and cfg.model.type == 'A'
    assert cfg.max_epochs == 3
    assert load_config(str(config)).model.head.sigma == 2.0


def test_default_work_dir_is_named_after_the_config():
    assert default_work_dir('configs/sub/hyatt_x.py') == osp.join(
        'work_dirs', 'hyatt_x')
