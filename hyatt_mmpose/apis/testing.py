"""Tests a checkpoint on a config's test set, with mmpose's command line.

    python tools/test.py configs/hyatt_cephalometric.py CKPT --out m.json
"""
import argparse
import json
import os
import os.path as osp
from typing import Dict, Optional, Sequence

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from ..utils.atomic_write import atomic_write
from ..utils.distributed import leave_process_group, use_gloo_without_cuda
from ..utils.strict_checkpoint import load_checkpoint_strict
from ..utils.worker_death import end_workers_with_parent


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """The command line of ``tools/test.py``.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        argparse.Namespace: The arguments, ``LOCAL_RANK`` set from them
        where the launcher has not.
    """
    parser = argparse.ArgumentParser(description='Test a landmark model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='where logs go')
    parser.add_argument('--out', help='write the metrics to this JSON file')
    parser.add_argument('--dump', help='write every prediction to this .pkl')
    parser.add_argument(
        '--calibration',
        help='also report the coverage of this tools/calibrate.py file '
        '(ConformalCoverageMetric)')
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


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, float]:
    """Tests as ``tools/test.py`` does.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        dict: The test metrics.

    Raises:
        SystemExit: If ``--dump`` does not name a ``.pkl`` file.
        CheckpointMismatchError: If the checkpoint does not fit the config,
            before any testing.
    """
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    cfg.work_dir = args.work_dir or cfg.get('work_dir') or osp.join(
        'work_dirs',
        osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    use_gloo_without_cuda(cfg)
    evaluator = cfg.test_evaluator
    cfg.test_evaluator = [evaluator] if isinstance(evaluator, dict) \
        else list(evaluator)
    if args.dump:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise SystemExit('--dump must name a .pkl file')
        cfg.test_evaluator.append(
            dict(type='DumpResults', out_file_path=args.dump))
    if args.calibration:
        # the adaptive radii read the spread of the predicted heatmaps
        cfg.model.setdefault('test_cfg', {})['output_heatmaps'] = True
        cfg.test_evaluator.append(
            dict(type='ConformalCoverageMetric', calibration=args.calibration))
    runner = Runner.from_cfg(end_workers_with_parent(cfg))
    # mmengine loads load_from non-strictly: refuse a checkpoint that does
    # not fit the config before testing (mmengine then loads it again).
    load_checkpoint_strict(runner.model, args.checkpoint, args.config)
    try:
        metrics = runner.test()
    finally:
        leave_process_group()
    if args.out:
        with atomic_write(args.out) as f:
            json.dump({k: float(v) for k, v in metrics.items()}, f, indent=2)
    return metrics
