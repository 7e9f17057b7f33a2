"""Converts the CL-Detection 2023 training data to hyatt_mmpose's JSON.

    python tools/dataset_converters/cldetection2023.py \\
        train_stack.mha train-gt.json data/cldetection2023

The challenge ships its images as one stacked MetaImage volume (N images of
H x W x 3, zero-padded to a common size) and its 38 landmarks in
``train-gt.json``: ``points`` entries with ``point: [x, y, slice]`` (slices
numbered from 1) and the image's pixel spacing as ``scale``. Each slice is
written as ``images/<slice>.png`` with its zero padding cropped (the
landmarks are measured from the top-left corner, so they do not move), and
train, val and test JSON are written with a seeded split. The library:
:func:`hyatt_mmpose.datasets.converters.convert_cldetection2023`.
"""
import argparse
from functools import partial
from typing import Optional, Sequence

from ..datasets.converters import convert_cldetection2023
from .common import add_converter_options, run_converter, tool_parser


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``tools/dataset_converters/cldetection2023.py``.
    """
    parser = tool_parser(__doc__)
    parser.add_argument('stack', help='train_stack.mha')
    parser.add_argument('gt_json', help='train-gt.json')
    parser.add_argument('out_root', help='images/ and annotations/ go here')
    parser.add_argument('--val-size', type=int, default=50)
    parser.add_argument('--test-size', type=int, default=50)
    parser.add_argument('--seed', type=int, default=2023)
    add_converter_options(parser)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/dataset_converters/cldetection2023.py``.

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
        partial(convert_cldetection2023, args.stack, args.gt_json,
                args.out_root, args.val_size, args.test_size, args.seed,
                args.skip_bad, args.overwrite))
