"""Reading a config as the tools do: the file, then the user's overrides."""
import os.path as osp
from typing import Optional

from mmengine.config import Config


def load_config(config: str, cfg_options: Optional[dict] = None) -> Config:
    """A config file with ``--cfg-options`` merged in.

    Args:
        config (str): The config file.
        cfg_options (dict, optional): Overrides, ``{'a.b': value}``.

    Returns:
        Config: The config.
    """
    cfg = Config.fromfile(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def default_work_dir(config: str) -> str:
    """``work_dirs/<config name>``, mmpose's work dir for a config that
    names none.

    Args:
        config (str): The config file.

    Returns:
        str: The work dir, relative to the current directory.
    """
    return osp.join('work_dirs', osp.splitext(osp.basename(config))[0])
