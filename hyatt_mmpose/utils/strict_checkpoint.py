"""Loading a checkpoint only into the model it fits.

mmengine's ``load_checkpoint`` loads non-strictly: the weights of another
config's checkpoint that happen to match are loaded, the others stay
random, and a warning scrolls by. Prediction and ONNX export then run on a
half-random model without failing. :func:`load_checkpoint_strict` refuses
such a checkpoint, listing what does not fit.
"""
import re
from collections import OrderedDict
from typing import List, NamedTuple, Optional

import torch
from mmengine.model import is_model_wrapper
from mmengine.runner.checkpoint import _load_checkpoint

# Keys listed per kind of mismatch; the message gives the count of the rest.
_SHOWN = 20


class CheckpointMismatchError(RuntimeError):
    """A checkpoint's weights do not fit the model they are loaded into."""


def _listed(title: str, items: List[str]) -> str:
    shown = ''.join(f'\n    {item}' for item in items[:_SHOWN])
    more = len(items) - _SHOWN
    return f'\n  {len(items)} {title}:{shown}' + (f'\n    ... and {more} more'
                                                  if more > 0 else '')


def _converted(model: torch.nn.Module, state_dict: OrderedDict) -> dict:
    """The state dict after the model's ``load_state_dict`` pre-hooks (the
    known key conversions, e.g. official BiFormer names), on a copy."""
    metadata = getattr(state_dict, '_metadata', {})
    converted = OrderedDict(state_dict)
    for prefix, module in model.named_modules(remove_duplicate=False):
        prefix = prefix + '.' if prefix else ''
        for hook in module._load_state_dict_pre_hooks.values():
            hook(converted, prefix, metadata.get(prefix[:-1], {}), True, [],
                 [], [])
    return converted


def _unprefixed(state_dict: dict) -> OrderedDict:
    """``state_dict`` without the ``module.`` prefix of weights saved from
    a wrapped model (as mmengine drops it), keeping its metadata."""
    metadata = getattr(state_dict, '_metadata', OrderedDict())
    unprefixed = OrderedDict(
        (re.sub(r'^module\.', '', k), v) for k, v in state_dict.items())
    unprefixed._metadata = metadata
    return unprefixed


class _Mismatch(NamedTuple):
    """The keys of a state dict that keep it from loading strictly."""
    expected: dict
    given: dict
    missing: List[str]
    unexpected: List[str]
    misshapen: List[str]


def _mismatch(model: torch.nn.Module, state_dict: dict) -> _Mismatch:
    """The keys that differ, after the prefix and the pre-hooks (below)."""
    expected = model.state_dict()
    given = _converted(model, _unprefixed(state_dict))
    return _Mismatch(expected, given, [
        k for k in expected if k not in given
    ], [k for k in given if k not in expected], [
        k for k in expected
        if isinstance(given.get(k), torch.Tensor) and isinstance(
            expected[k], torch.Tensor) and given[k].shape != expected[k].shape
    ])


def _described(mismatch: _Mismatch) -> str:
    """``weight_mismatches``' text of a :class:`_Mismatch`."""
    shapes = [
        f'{k}: {tuple(mismatch.given[k].shape)} in the checkpoint, '
        f'{tuple(mismatch.expected[k].shape)} in the model'
        for k in mismatch.misshapen
    ]
    kinds = [
        ('missing keys (in the model, not in the checkpoint)',
         mismatch.missing),
        ('unexpected keys (in the checkpoint, not in the model)',
         mismatch.unexpected),
        ('shape mismatches', shapes),
    ]
    return ''.join(_listed(title, items) for title, items in kinds if items)


def weight_mismatches(model: torch.nn.Module, state_dict: dict) -> str:
    """What keeps ``state_dict`` from loading strictly into ``model``.

    A ``module.`` prefix is dropped, and the model's ``load_state_dict``
    pre-hooks convert the key names they know, first.

    Args:
        model (torch.nn.Module): The model, not wrapped.
        state_dict (dict): Weights, by name.

    Returns:
        str: '' where every key of the model is in ``state_dict`` with the
        same shape, and no other key; else one indented block per kind of
        mismatch (missing keys, unexpected keys, shape mismatches), each
        listing up to 20 keys.
    """
    return _described(_mismatch(model, state_dict))


def _stage_hint(mismatch: _Mismatch) -> str:
    """What a refined model's checkpoint and a coarse one's tell apart:
    a mismatch that the ``refiner.*`` weights alone explain."""
    differ = mismatch.missing + mismatch.unexpected + mismatch.misshapen
    if not differ or not all(k.startswith('refiner.') for k in differ):
        return ''
    ours = any(k.startswith('refiner.') for k in mismatch.expected)
    theirs = any(k.startswith('refiner.') for k in mismatch.given)
    if ours and not theirs:
        return (' It holds no refinement stage (a coarse model\'s '
                'checkpoint): a refined config takes the checkpoint that its '
                'refinement training wrote, which holds both stages '
                '(docs/user_guides/refinement.md).')
    if theirs and not ours:
        return (' It holds a refinement stage that this config lacks: use '
                'the refined config it was trained with.')
    return ''


def load_checkpoint_strict(model: torch.nn.Module,
                           filename: str,
                           config: Optional[str] = None,
                           map_location: str = 'cpu') -> dict:
    """Loads a checkpoint into ``model`` only if every weight fits.

    The checkpoint is read with the safe loader; a ``module.`` prefix
    (weights saved from a wrapped model) is dropped, as mmengine does, and
    the model's ``load_state_dict`` pre-hooks convert the key names they
    know. Then every key of the model must be in the checkpoint with the
    same shape, and no other key. Otherwise the model is left as it was
    (except in the rare case where a module's own loading refuses a key
    that fits: then torch has loaded the keys before it).

    Args:
        model (torch.nn.Module): The model, possibly wrapped (DDP).
        filename (str): The checkpoint file (or any mmengine URI).
        config (str, optional): The config the model was built from, named
            in the error message.
        map_location (str): Where to put the tensors while loading.

    Returns:
        dict: The checkpoint (``meta``, ``state_dict``, ...).

    Raises:
        CheckpointMismatchError: The checkpoint does not fit the model; the
            message names the file and the config, says when the weights
            of a refinement stage alone are missing or extra (a coarse
            model's checkpoint given to a refined config, or the other
            way round), and lists the missing and unexpected keys and the
            shape mismatches.
        UnsafeCheckpointError: The file is no PyTorch checkpoint, or holds
            objects other than tensors and plain data.
    """
    if is_model_wrapper(model):
        model = model.module
    checkpoint = _load_checkpoint(filename, map_location=map_location)
    state_dict = checkpoint.get('state_dict', checkpoint) \
        if isinstance(checkpoint, dict) else checkpoint
    of_config = f'config "{config}"' if config else 'this config'
    if not isinstance(state_dict, dict):
        raise CheckpointMismatchError(
            f'Checkpoint "{filename}" holds no state_dict of weights (it '
            f'holds a {type(state_dict).__name__}); pass a checkpoint saved '
            f'by training {of_config}.')
    state_dict = _unprefixed(state_dict)
    mismatch = _mismatch(model, state_dict)
    problems = _described(mismatch)
    if not problems:
        try:
            model.load_state_dict(state_dict, strict=True)
        except RuntimeError as err:
            # A module's own _load_from_state_dict can refuse what the
            # check above let through.
            problems = f'\n  {err}'
    if problems:
        meta = checkpoint.get('meta') or {}
        run = meta.get('experiment_name') if isinstance(meta, dict) else None
        saved_by = f' (it was saved by the run "{run}")' if run else ''
        raise CheckpointMismatchError(
            f'Checkpoint "{filename}"{saved_by} does not fit the model of '
            f'{of_config}.{_stage_hint(mismatch)}{problems}\nPass '
            f'the checkpoint that training {of_config} wrote, or the config '
            'that this checkpoint was trained with (its work dir holds a '
            'copy of it).')
    return checkpoint
