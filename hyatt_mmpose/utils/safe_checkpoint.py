"""Checkpoint loading that keeps ``torch.load(weights_only=True)``.

torch >= 2.6 loads with ``weights_only=True``: only tensors, containers and
allow-listed classes are unpickled, so a checkpoint cannot run code. mmengine
0.10.7 checkpoints hold a few more classes, and ``--resume``, ``load_from``
and testing a checkpoint then fail. Rather than turning the safe loader off,
:func:`install_safe_checkpoint_loader` allow-lists exactly the classes our
checkpoints hold and refuses anything else with a message naming it.

``builtins.getattr`` is deliberately not allowed: with it a crafted file can
walk from an allowed class to arbitrary objects. mmengine's ``HistoryBuffer``
only needs it to pickle its class-level statistics methods, which
``HistoryBuffer.__setstate__`` restores by itself, so our checkpoints leave
them out.
"""
import os.path as osp
import pickle
import re

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

SAFE_GLOBALS = [
    HistoryBuffer,  # the message hub's logged scalars, for resuming
    np.ndarray,
    np.dtype,
    np.core.multiarray.scalar,  # numpy scalars, e.g. a seed or a metric
    np.core.multiarray._reconstruct,  # numpy arrays
] + sorted({type(np.dtype(code))
            for code in '?bBhHiIlLqQefdFD'}, key=lambda t: t.__name__)
# ^ the numeric dtype classes (numpy.dtypes.Float64DType, ...), which numpy
# >= 1.25 unpickles dtypes into.


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds a Python global outside :data:`SAFE_GLOBALS`."""


def _history_buffer_state(self) -> dict:
    state = dict(self.__dict__)
    state.pop('statistics_methods', None)
    return state


def safe_torch_load(filename: str, map_location=None):
    """``torch.load`` with ``weights_only=True`` and a clear refusal.

    Raises:
        UnsafeCheckpointError: The file holds a global that is not
            allow-listed; the message names it.
    """
    try:
        checkpoint = torch.load(
            filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        # torch words it "Unsupported global: GLOBAL mod.name ..." or
        # "... but got <class 'mod.name'>".
        found = re.search(r"GLOBAL (\S+)|got <class '([^']+)'>", str(err))
        name = (found.group(1) or found.group(2)) if found else \
            'an object outside the allow-list'
        allowed = ', '.join(f'{g.__module__}.{g.__name__}'
                            for g in SAFE_GLOBALS)
        raise UnsafeCheckpointError(
            f'Refusing to load checkpoint "{filename}": it holds the Python '
            f'global {name}, which hyatt_mmpose checkpoints never hold '
            f'(allowed: {allowed}). Checkpoints are loaded with '
            'weights_only=True because unpickling arbitrary globals can run '
            'code. If you trust this file, load it once yourself with '
            'torch.load(..., weights_only=False) and save only its '
            'state_dict.') from None
    # Official ImageNet checkpoints (e.g. BiFormer's) keep the weights under
    # 'model'; mmengine looks for 'state_dict'.
    if isinstance(checkpoint, dict) and 'state_dict' not in checkpoint \
            and isinstance(checkpoint.get('model'), dict):
        checkpoint['state_dict'] = checkpoint.pop('model')
    return checkpoint


def _load_from_local(filename: str, map_location=None):
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} can not be found')
    return safe_torch_load(filename, map_location)


def install_safe_checkpoint_loader() -> None:
    """Allow-lists :data:`SAFE_GLOBALS`, routes mmengine's local checkpoint
    loading through :func:`safe_torch_load`, and keeps ``builtins.getattr``
    out of the checkpoints that mmengine saves. Idempotent."""
    torch.serialization.add_safe_globals(SAFE_GLOBALS)
    HistoryBuffer.__getstate__ = _history_buffer_state
    CheckpointLoader.register_scheme(
        prefixes='', loader=_load_from_local, force=True)
