"""Trains a model from a config, with mmpose's command line.

    python tools/train.py configs/hyatt_cephalometric.py
    python tools/train.py CONFIG --resume            # the latest checkpoint
    python tools/train.py CONFIG --resume work_dirs/x/epoch_10.pth
"""
import argparse
import os
import os.path as osp
from typing import Optional, Sequence

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from ..utils.distributed import leave_process_group, use_gloo_without_cuda
from ..utils.latest_checkpoint import latest_checkpoint
from ..utils.resume_check import check_resume
from ..utils.worker_death import end_workers_with_parent


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """The command line of ``tools/train.py``.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        argparse.Namespace: The arguments, ``LOCAL_RANK`` set from them
        where the launcher has not.
    """
    parser = argparse.ArgumentParser(description='Train a landmark model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='where logs and checkpoints go')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
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
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value')
    parser.add_argument(
        '--launcher',
        default='none',
        choices=['none', 'pytorch', 'slurm', 'mpi'])
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Applies the command line to the config.

    Args:
        cfg (Config): The config, changed in place.
        args (argparse.Namespace): As :func:`parse_args` returns them.

    Returns:
        Config: ``cfg``.
    """
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.launcher = args.launcher
    if args.work_dir:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        # this work dir's own latest checkpoint; with none, start afresh
        # rather than let mmengine follow last_checkpoint, whose absolute
        # path may lead into another run
        cfg.load_from = latest_checkpoint(cfg.work_dir)
        cfg.resume = cfg.load_from is not None
        if not cfg.resume:
            print(f'no checkpoint in {cfg.work_dir}: starting afresh')
    elif args.resume:
        cfg.resume, cfg.load_from = True, args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Trains as ``tools/train.py`` does.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Raises:
        ResumeError: The checkpoint to resume is missing, not a training
            checkpoint, trained to the config's last epoch already, or
            saved with another optimizer; before anything is written.
        CheckpointMismatchError: The checkpoint to resume does not fit the
            config's model; before anything is written.
    """
    args = parse_args(argv)
    cfg = merge_args(Config.fromfile(args.config), args)
    if cfg.resume and cfg.load_from:
        # before the Runner, which makes the work dir and writes its log
        # and a copy of the config there when it is built
        check_resume(cfg, cfg.load_from, args.config)
    use_gloo_without_cuda(cfg)
    end_workers_with_parent(cfg)
    runner = Runner.from_cfg(cfg)
    try:
        runner.train()
    finally:
        leave_process_group()
