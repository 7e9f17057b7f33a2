"""Trains a landmark model from a config, with mmpose's command line.

    python tools/train.py configs/hyatt_cephalometric.py
    python tools/train.py CONFIG --resume            # the latest checkpoint
    python tools/train.py CONFIG --resume work_dirs/x/epoch_10.pth
    python tools/train.py CONFIG --cfg-options train_cfg.max_epochs=300
    bash tools/dist_train.sh CONFIG 2                 # two processes

The library function is :func:`hyatt_mmpose.apis.train`.
"""
import argparse
from typing import Optional, Sequence

from ..apis import train
from ..apis.training import RESUME_LATEST
from ..utils import (CheckpointMismatchError, ConfigError, ResumeError,
                     UnsafeCheckpointError)
from .common import (add_launcher_options, export_local_rank, refuse,
                     tool_parser)

REFUSALS = (CheckpointMismatchError, ConfigError, ResumeError,
            UnsafeCheckpointError)


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``tools/train.py``."""
    parser = tool_parser(__doc__)
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='where logs and checkpoints go')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const=RESUME_LATEST,
        help='resume from this checkpoint, or without a path from the latest '
        'one in the work dir')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='automatic mixed precision training')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not validate during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate with the total batch')
    add_launcher_options(parser)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/train.py``.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        int: The exit status: 0 trained, 1 refused before anything was
        written (a checkpoint to resume that does not fit; the message on
        stderr says why).
    """
    args = build_parser().parse_args(argv)
    export_local_rank(args)
    try:
        train(
            args.config,
            work_dir=args.work_dir,
            resume=args.resume,
            amp=args.amp,
            validate=not args.no_validate,
            auto_scale_lr=args.auto_scale_lr,
            cfg_options=args.cfg_options,
            launcher=args.launcher)
    except REFUSALS as err:
        return refuse(err)
    return 0
