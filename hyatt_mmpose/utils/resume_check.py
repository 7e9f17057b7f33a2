"""Checking that a checkpoint can be resumed under a config, before the
Runner is built.

mmengine's ``Runner.resume`` finds out late, or never, that the config has
changed since the checkpoint was saved: after the Runner has made the work
dir and written its log and config copy there, it loads a widened head
non-strictly (a warning, then a RuntimeError at the first optimizer step),
loads an SGD state into Adam (``KeyError: 'momentum'`` at the first step),
and with ``max_epochs`` at or below the checkpoint's epoch it trains
nothing and exits 0. :func:`check_resume` refuses each of these first.
"""
import ast
import copy
import os.path as osp
from typing import Optional

from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import CheckpointLoader
from mmpose.registry import MODELS

from .strict_checkpoint import CheckpointMismatchError, weight_mismatches


class ResumeError(ValueError):
    """A checkpoint cannot be resumed under the config given."""


# What mmengine's Runner.resume reads from a checkpoint.
_RESUMED = ('meta', 'state_dict', 'message_hub', 'optimizer')
# Keys of a parameter group that are not the optimizer's hyperparameters
# (initial_lr: set by the parameter schedulers).
_NOT_HYPER = {'params', 'initial_lr'}


def _new_run(filename: str) -> str:
    return (f'train from its weights in a new run: --cfg-options '
            f'load_from={filename} without --resume')


def _saved_optimizer_type(cfg_text: str) -> Optional[str]:
    """``optim_wrapper.optimizer.type`` of a config saved as text (a
    checkpoint's ``meta['cfg']``), read without running it, or None."""
    try:
        tree = ast.parse(cfg_text)
    except SyntaxError:
        return None

    def field(node, name):
        if isinstance(node, ast.Call):
            return next((k.value for k in node.keywords if k.arg == name),
                        None)
        if isinstance(node, ast.Dict):
            return next((v for k, v in zip(node.keys, node.values)
                         if isinstance(k, ast.Constant) and k.value == name),
                        None)
        return None

    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == 'optim_wrapper'
                for t in node.targets):
            found = field(field(node.value, 'optimizer'), 'type')
            if isinstance(found, ast.Constant) and isinstance(
                    found.value, str):
                return found.value
    return None


def _check_schedule(cfg: Config, meta: dict, filename: str) -> None:
    train_cfg = cfg.get('train_cfg') or {}
    unit = 'epoch' if 'max_epochs' in train_cfg else 'iter'
    limit = train_cfg.get(f'max_{unit}s')
    done = meta[unit]
    if limit is not None and done >= limit:
        raise ResumeError(
            f'Checkpoint "{filename}" was saved after {unit} {done}, and the '
            f'config trains to {unit} {limit} (train_cfg.max_{unit}s): '
            f'resuming would train nothing. To train on, raise it above '
            f'{done}: --cfg-options train_cfg.max_{unit}s=N with N > {done}.')


def _check_optimizer(cfg: Config, model, checkpoint: dict,
                     filename: str) -> None:
    saved = checkpoint['optimizer']
    if 'param_groups' not in saved:  # several optimizers: not checked
        return
    optimizer_type = cfg.optim_wrapper.optimizer.type
    optimizer_type = getattr(optimizer_type, '__name__', optimizer_type)
    saved_type = _saved_optimizer_type(checkpoint['meta'].get('cfg', ''))
    fix = ('Resume with the optimizer it was trained with, or '
           f'{_new_run(filename)}.')
    if saved_type is not None and saved_type != optimizer_type:
        raise ResumeError(
            f'Checkpoint "{filename}" holds an optimizer state of '
            f'{saved_type}, and the config asks for {optimizer_type} '
            f'(optim_wrapper.optimizer.type). {fix}')
    # The layout the config makes (paramwise_cfg, a constructor), without
    # the wrapper's own options (an AmpOptimWrapper needs a GPU).
    wrapper = {
        k: copy.deepcopy(v)
        for k, v in cfg.optim_wrapper.items()
        if k in ('optimizer', 'constructor', 'paramwise_cfg')
    }
    groups = build_optim_wrapper(model, wrapper).optimizer.param_groups
    saved_groups = saved['param_groups']
    hyper = set(groups[0]) - _NOT_HYPER
    saved_hyper = set(saved_groups[0]) - _NOT_HYPER
    # Only keys missing on both sides tell another type: a newer torch adds
    # hyperparameters, which loading an older state fills in.
    if saved_type is None and saved_hyper - hyper and hyper - saved_hyper:
        raise ResumeError(
            f'Checkpoint "{filename}" holds the state of an optimizer with '
            f'{", ".join(sorted(saved_hyper - hyper))}, and the config\'s '
            f'{optimizer_type} (optim_wrapper.optimizer.type) has '
            f'{", ".join(sorted(hyper - saved_hyper))} instead: another '
            f'optimizer type. {fix}')
    sizes = [len(g['params']) for g in groups]
    saved_sizes = [len(g['params']) for g in saved_groups]
    if sizes != saved_sizes:
        raise ResumeError(
            f'Checkpoint "{filename}" holds an optimizer state of '
            f'{len(saved_sizes)} parameter groups ({sum(saved_sizes)} '
            f"parameters), and the config's optim_wrapper (its paramwise_cfg"
            f') makes {len(sizes)} ({sum(sizes)} parameters). Resume with '
            f'the optim_wrapper it was trained with, or {_new_run(filename)}.')


def check_resume(cfg: Config, filename: str, config: str) -> None:
    """Refuses a checkpoint that training ``cfg`` cannot resume.

    Reads the checkpoint with the safe loader, then checks, in this order:
    that it is one that training saves (``meta`` with the epoch and
    iteration, weights, message hub and optimizer state; a ``best_*.pth``
    has no optimizer state); that the config trains beyond the checkpoint's
    epoch (``train_cfg.max_epochs``, or ``max_iters`` for iteration-based
    training); that its weights fit the model of ``cfg`` (names and
    shapes); and that its optimizer state fits the optimizer of ``cfg``
    (the type named in the checkpoint's saved config, else the names of
    the hyperparameters, and the parameter groups). Builds the model and
    the optimizer of ``cfg`` on the CPU for this; writes nothing.

    Args:
        cfg (Config): The training config, command-line options merged.
        filename (str): The checkpoint to resume.
        config (str): The config's file, named in the messages.

    Raises:
        ResumeError: The file is missing or not a training checkpoint,
            there is nothing left to train, or the optimizer differs; the
            message names the file, the values and the fix.
        CheckpointMismatchError: The weights do not fit the model; the
            message lists the keys.
        UnsafeCheckpointError: The file holds a Python global outside the
            safe loader's allow-list.
    """
    if '://' not in filename and not osp.isfile(filename):
        raise ResumeError(
            f'Checkpoint "{filename}" to resume does not exist. Pass one '
            'that training wrote (WORK_DIR/epoch_N.pth), or --resume '
            'without a path for the latest one in the work dir.')
    checkpoint = CheckpointLoader.load_checkpoint(filename, map_location='cpu')
    if not isinstance(checkpoint, dict):
        checkpoint = {}
    lacks = [k for k in _RESUMED if k not in checkpoint]
    meta = checkpoint.get('meta')
    if isinstance(meta, dict):
        lacks += [f'meta.{k}' for k in ('epoch', 'iter') if k not in meta]
    if lacks:
        raise ResumeError(
            f'Checkpoint "{filename}" cannot be resumed: it has no '
            f'{", ".join(lacks)} (a best_*.pth checkpoint is saved without '
            'an optimizer state; other files may hold weights only). Resume '
            f'from a WORK_DIR/epoch_N.pth, or {_new_run(filename)}.')
    _check_schedule(cfg, meta, filename)
    init_default_scope(cfg.get('default_scope') or 'mmpose')
    model = MODELS.build(cfg.model)
    problems = weight_mismatches(model, checkpoint['state_dict'])
    if problems:
        raise CheckpointMismatchError(
            f'Checkpoint "{filename}" cannot be resumed: its weights do not '
            f'fit the model of config "{config}":{problems}\nResume with the '
            'config it was trained with (its work dir holds a copy), or '
            f'{_new_run(filename)} (the weights that fit are loaded, the '
            'others start afresh).')
    _check_optimizer(cfg, model, checkpoint, filename)
