"""Tests a checkpoint on a config's test set, with mmpose's command line.

    python tools/test.py configs/hyatt_cephalometric.py CKPT --out m.json
    python tools/test.py CONFIG CKPT --dump predictions.pkl
    python tools/test.py CONFIG CKPT --calibration CAL.json   # + coverage
    bash tools/dist_test.sh CONFIG CKPT 2                      # two processes

The library function is :func:`hyatt_mmpose.apis.test`.
"""
import argparse
from typing import Optional, Sequence

from ..apis import test
from ..apis.testing import DUMP_SUFFIXES
from ..calibration import CalibrationError
from ..datasets import ConversionError
from ..utils import CheckpointMismatchError, ConfigError, UnsafeCheckpointError
from .common import (add_launcher_options, export_local_rank, refuse,
                     tool_parser)


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``tools/test.py``."""
    parser = tool_parser(__doc__)
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='where logs go')
    parser.add_argument('--out', help='write the metrics to this JSON file')
    parser.add_argument('--dump', help='write every prediction to this .pkl')
    parser.add_argument(
        '--calibration',
        help='also report the coverage of this tools/calibrate.py file '
        '(ConformalCoverageMetric)')
    add_launcher_options(parser)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/test.py``.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        int: The exit status: 0 tested, 1 refused before testing (a
        checkpoint that does not fit the config, a ``--dump`` that is not
        a ``.pkl`` file, a calibration that does not fit the model, an
        image whose size is not its entry's, a missing config or
        checkpoint, a file that is no checkpoint; the message on stderr
        says why).
    """
    args = build_parser().parse_args(argv)
    export_local_rank(args)
    if args.dump and not args.dump.endswith(DUMP_SUFFIXES):
        return refuse(f'--dump {args.dump}: must name a .pkl file')
    try:
        test(
            args.config,
            args.checkpoint,
            work_dir=args.work_dir,
            out=args.out,
            dump=args.dump,
            calibration=args.calibration,
            cfg_options=args.cfg_options,
            launcher=args.launcher)
    except (CheckpointMismatchError, CalibrationError, ConfigError,
            ConversionError, FileNotFoundError, UnsafeCheckpointError) as err:
        return refuse(err)
    return 0
