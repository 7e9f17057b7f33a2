"""Converts the ISBI 2015 challenge layout to hyatt_mmpose's JSON.

    python tools/dataset_converters/isbi2015.py data/isbi2015
    python tools/dataset_converters/isbi2015.py data/isbi2015 --cal-size 20

Reads ``RawImage/{TrainingData,Test1Data,Test2Data}/NNN.<any extension>``
and ``AnnotationsByMD/400_{senior,junior}/NNN.txt`` (the first 19 ``x,y``
lines; the original release may add lines after them), and writes
``train``, ``val``, ``test1`` and ``test2`` JSON to ``--out-dir`` (default
``DATA_ROOT/annotations``), image paths relative to DATA_ROOT. Val is drawn
from the 150 training images with a fixed seed, so that checkpoints are
never chosen on a test set; ``--cal-size 20`` draws a calibration split
``cal`` too (for tools/calibrate.py), which the training set loses.
Spacing: 0.1 mm per pixel. The library:
:func:`hyatt_mmpose.datasets.converters.convert_isbi2015`.
"""
import argparse
from functools import partial
from typing import Optional, Sequence

from ..datasets.converters import convert_isbi2015
from .common import add_converter_options, run_converter, tool_parser


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``tools/dataset_converters/isbi2015.py``."""
    parser = tool_parser(__doc__)
    parser.add_argument(
        'root', help='the ISBI 2015 root (RawImage, '
        'AnnotationsByMD)')
    parser.add_argument('--out-dir', help='default: ROOT/annotations')
    parser.add_argument(
        '--ground-truth', default='mean', choices=['mean', 'senior', 'junior'])
    parser.add_argument('--val-size', type=int, default=20)
    parser.add_argument(
        '--cal-size',
        type=int,
        default=0,
        help='training images kept out as the calibration split "cal" '
        '(19 or more for 95 %% coverage)')
    parser.add_argument('--seed', type=int, default=0)
    add_converter_options(parser)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/dataset_converters/isbi2015.py``.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        int: The exit status: 0 written; 1 refused before anything was
        written (a bad entry without ``--skip-bad``, existing outputs
        without ``--overwrite``; the message on stderr names the file).
    """
    args = build_parser().parse_args(argv)
    return run_converter(
        partial(convert_isbi2015, args.root, args.out_dir, args.ground_truth,
                args.val_size, args.cal_size, args.seed, args.skip_bad,
                args.overwrite))
