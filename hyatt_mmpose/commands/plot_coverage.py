"""Plots of a calibration's coverage on held-out splits.

    python tools/analysis/plot_coverage.py CONFIG CKPT --calibration CAL \\
        --splits test1 test2 --out-dir coverage

Predicts each split (SPLIT.json beside the val annotation file), and writes
``radius_vs_error_<split>.png`` (per landmark, each image's radius against
its error: points above the diagonal fell outside) and ``reliability.png``
(nominal against empirical coverage at 50-99 %, one line per split, from
the same calibration scores re-thresholded), and prints the figures. The
library: :func:`hyatt_mmpose.apis.report_coverage`.
"""
import argparse
from typing import Optional, Sequence

from ..apis import report_coverage
from ..apis.coverage_report import LEVELS
from ..calibration import CalibrationError
from ..utils import CheckpointMismatchError, ConfigError, UnsafeCheckpointError
from .common import add_run_options, model_parser, refuse

REFUSALS = (CalibrationError, CheckpointMismatchError, ConfigError,
            FileNotFoundError, UnsafeCheckpointError)


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``tools/analysis/plot_coverage.py``."""
    parser = model_parser(__doc__)
    parser.add_argument('--calibration', required=True)
    parser.add_argument('--splits', nargs='+', default=['test1', 'test2'])
    parser.add_argument('--out-dir', default='coverage')
    add_run_options(parser)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/analysis/plot_coverage.py``.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        int: The exit status: 0 written; 1 refused (a calibration or a
        checkpoint that does not fit the model, a file that is no
        checkpoint, a split without a file; the message on stderr says
        why).
    """
    args = build_parser().parse_args(argv)
    try:
        report = report_coverage(args.config, args.checkpoint,
                                 args.calibration, args.splits, args.out_dir,
                                 args.cfg_options, args.device)
    except REFUSALS as err:
        return refuse(err)
    print(f'{"split":<10}{"n":>5}{"coverage %":>12}{"median r mm":>13}'
          f'{"median area mm2":>17}')
    for split, figures in report.items():
        print(f'{split:<10}{figures["n"]:>5}{figures["coverage"]:>12.2f}'
              f'{figures["radius_median_mm"]:>13.2f}'
              f'{figures["area_median_mm2"]:>17.2f}')
    print('nominal -> empirical coverage (%): ' + '; '.join(
        f'{split} ' + ', '.join(f'{100 * lv:.0f}->{100 * c:.1f}'
                                for lv, c in zip(LEVELS, r['reliability'])
                                if round(100 * lv) % 10 == 0 or lv == 0.95)
        for split, r in report.items()))
    print(f'written: {args.out_dir}/reliability.png, '
          'radius_vs_error_<split>.png')
    return 0
