"""Checkpoint loading that keeps ``torch.load(weights_only=True)``.

torch >= 2.6 loads with ``weights_only=True``: only tensors, containers and
allow-listed classes are unpickled, so a checkpoint cannot run code. mmengine
0.10.7 checkpoints hold a few more classes, and ``--resume``, ``load_from``
and testing a checkpoint then fail. Rather than turning the safe loader off,
:func:`install_safe_checkpoint_loader` allow-lists what numpy, mmengine and
mmpose put into checkpoints and refuses anything else with a message naming
it:

- numpy arrays (empty and 0-d ones too), scalars, dtypes and scalar types of
  the bool, integer, float, complex, datetime, timedelta, str and bytes
  kinds, under numpy 1's and numpy 2's module names;
- mmengine's ``HistoryBuffer`` (the message hub's logged scalars).

Object and structured (void) numpy arrays are refused: numpy trusts the
flags that a pickled dtype claims, so a crafted object or structured dtype
makes numpy read raw bytes from the file as Python object pointers (seen
here: a segmentation fault). Nothing that numpy, mmengine or mmpose saves
into a checkpoint uses them.

``builtins.getattr`` is replaced by :func:`_mmengine_function`, which only
looks up the few mmengine functions that mmengine pickles by their class
(``HistoryBuffer``'s statistics methods, ``OneCycleParamScheduler``'s
annealing functions): with the real ``getattr`` a crafted file could walk
from an allowed class to arbitrary objects. Our own checkpoints leave the
statistics methods out (``HistoryBuffer.__setstate__`` restores them), so
only checkpoints saved by plain mmengine need it.
"""
import os.path as osp
import pickle
import re

import _compat_pickle
import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.optim.scheduler.param_scheduler import OneCycleParamScheduler
from mmengine.runner.checkpoint import CheckpointLoader

# Every dtype kind but object ('O') and structured/void ('V'): see above.
_DTYPE_CODES = [c for c in np.typecodes['All'] if c not in 'OV']

SAFE_GLOBALS = [
    HistoryBuffer,  # the message hub's logged scalars, for resuming
    OneCycleParamScheduler,  # only as getattr's first argument, see above
    bytes,  # bytes() is how pickle protocol 2 writes b'' (empty arrays)
    np.ndarray,
    np.dtype,
    np.core.multiarray.scalar,  # numpy scalars, e.g. a seed or a metric
    np.core.multiarray._reconstruct,  # numpy arrays
] + sorted(
    # The dtype classes (numpy.dtypes.Float64DType, ...), which numpy
    # >= 1.25 unpickles dtypes into, and the scalar types (numpy.float32).
    {type(np.dtype(code))
     for code in _DTYPE_CODES}
    | {np.dtype(code).type
       for code in _DTYPE_CODES},
    key=lambda t: f'{t.__module__}.{t.__qualname__}')

# mmengine functions that protocol 2 pickles as getattr(class, name).
_MMENGINE_FUNCTIONS = {
    HistoryBuffer: ('min', 'max', 'current', 'mean'),
    OneCycleParamScheduler: ('_annealing_cos', '_annealing_linear'),
}


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds a Python global outside :data:`SAFE_GLOBALS`, or
    the file is no pickled checkpoint at all."""


def _mmengine_function(owner, name):
    """``builtins.getattr`` as checkpoints may use it.

    Args:
        owner: The class to look ``name`` up in.
        name: The attribute's name.

    Returns:
        The function, for the pairs in :data:`_MMENGINE_FUNCTIONS` only.

    Raises:
        UnsafeCheckpointError: Any other use; the message names it.
    """
    # Type checks first: a crafted owner may be unhashable, a crafted name
    # an array whose comparison has no truth value.
    if isinstance(owner, type) and isinstance(name, str) and \
            name in _MMENGINE_FUNCTIONS.get(owner, ()):
        return getattr(owner, name)
    raise UnsafeCheckpointError(
        f'GLOBAL builtins.getattr (called as getattr({owner!r}, {name!r}))')


# Where numpy 2 (numpy._core) and the getattr replacement are found.
_ALIASES = [
    (np.core.multiarray.scalar, 'numpy._core.multiarray.scalar'),
    (np.core.multiarray._reconstruct, 'numpy._core.multiarray._reconstruct'),
    (_mmengine_function, 'builtins.getattr'),
]


def _history_buffer_state(self) -> dict:
    state = dict(self.__dict__)
    state.pop('statistics_methods', None)
    return state


def _refused_global(message: str) -> str:
    """The global that torch's message (or ours) names."""
    # torch words it "Unsupported global: GLOBAL mod.name ...", "GLOBAL
    # mod.name whose module mod is blocked", "... but got <class
    # 'mod.name'>" or "unrecognized function <function name ...>".
    found = re.search(
        r"GLOBAL (\S+(?: \(called as .*?\)\))?)|got <class '([^']+)'>|"
        r'unrecognized function (<[^>]*>)', message)
    if not found:
        return 'an object outside the allow-list'
    name = next(group for group in found.groups() if group)
    path, _, detail = name.partition(' ')
    if not path.startswith('<'):
        # torch drops the "builtins." of builtins ("GLOBAL eval"), and
        # pickle protocol 2 writes some modules under their Python 2 names
        # (subprocess as commands), which unpickling maps back.
        module, _, attr = path.rpartition('.')
        module, attr = _compat_pickle.NAME_MAPPING.get(
            (module, attr),
            (_compat_pickle.IMPORT_MAPPING.get(module, module), attr))
        name = f'{module or "builtins"}.{attr} {detail}'.rstrip()
    if re.match(r'numpy\.dtypes\.(Object|Void)DType', name):
        name += (' (object and structured numpy arrays are refused: numpy '
                 'trusts the flags a pickled dtype claims, so a crafted one '
                 'makes it read bytes from the file as object pointers)')
    return name


def safe_torch_load(filename: str, map_location=None):
    """``torch.load`` with ``weights_only=True`` and a clear refusal.

    Args:
        filename (str): The checkpoint file.
        map_location: As for ``torch.load``.

    Returns:
        The checkpoint; an official ImageNet checkpoint's ``'model'`` is
        exposed as ``'state_dict'``.

    Raises:
        UnsafeCheckpointError: The file holds a global that is not
            allow-listed (the message names it and the file), or is no
            checkpoint.
    """
    try:
        checkpoint = torch.load(
            filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        # a file of another kind (text, an image) is no pickle: torch's
        # unpickler stops at its first byte, naming no global
        if re.search(r'Unsupported operand|invalid load key', str(err)):
            onnx = (' (an ONNX file is predicted with tools/predict.py '
                    '--backend onnxruntime)'
                    if str(filename).lower().endswith('.onnx') else '')
            raise UnsafeCheckpointError(
                f'Refusing to load checkpoint "{filename}": it is not a '
                'PyTorch checkpoint (its bytes are no pickle); give the '
                f'.pth file that training wrote{onnx}') from None
        raise UnsafeCheckpointError(
            f'Refusing to load checkpoint "{filename}": it holds the Python '
            f'global {_refused_global(str(err))}, which numpy, mmengine and '
            'mmpose checkpoints never hold (allowed: tensors; numpy arrays, '
            'scalars and dtypes except object and structured ones; '
            "mmengine's HistoryBuffer). Checkpoints are loaded with "
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
    torch.serialization.add_safe_globals(SAFE_GLOBALS + _ALIASES)
    HistoryBuffer.__getstate__ = _history_buffer_state
    CheckpointLoader.register_scheme(
        prefixes='', loader=_load_from_local, force=True)
