"""hyatt_mmpose: anatomical landmark detection with HYATT-Net on mmpose 1.x.

Importing the package registers every component it defines into mmpose's
registries, so a config only needs::

    custom_imports = dict(imports=['hyatt_mmpose'], allow_failed_imports=False)

It also makes checkpoint loading safe with torch >= 2.6 (see
:mod:`hyatt_mmpose.utils.safe_checkpoint`).
"""
# Importing the subpackages registers their components.
from . import analysis, datasets, engine, evaluation, models  # noqa: F401
from .utils.safe_checkpoint import install_safe_checkpoint_loader
from .version import __version__

install_safe_checkpoint_loader()

__all__ = ['__version__']
