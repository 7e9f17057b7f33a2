"""Reading a config as the tools do: the file, then the user's overrides."""
import os.path as osp
import re
from typing import Optional

from mmengine.config import Config

# what Python says when a config hands a component a key it does not take
_UNEXPECTED_KEY = re.compile(r"got an unexpected keyword argument '(\w+)'")


class ConfigError(ValueError):
    """A config file that is missing, or a setting no component takes."""


def unknown_setting(err: TypeError, config: str) -> Optional[ConfigError]:
    """The refusal for a component built with a key it does not take (a
    misspelled ``--cfg-options`` key, say), or None for another TypeError.

    Args:
        err (TypeError): Raised while building or running from ``config``.
        config (str): The config file.

    Returns:
        ConfigError or None: The error naming the config, the component,
        the key and the fix.
    """
    found = _UNEXPECTED_KEY.search(str(err))
    if found is None:
        return None
    return ConfigError(
        f'{config}: {err}: "{found.group(1)}" is not a setting there; check '
        'its spelling in the config and in --cfg-options')


def load_config(config: str, cfg_options: Optional[dict] = None) -> Config:
    """A config file with ``--cfg-options`` merged in.

    Args:
        config (str): The config file.
        cfg_options (dict, optional): Overrides, ``{'a.b': value}``.

    Returns:
        Config: The config.

    Raises:
        ConfigError: No such config file.
    """
    if not osp.isfile(config):
        raise ConfigError(f'{config}: no such config file')
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
