"""Converts the Aariz release layout to hyatt_mmpose's JSON.

    python tools/dataset_converters/aariz.py data/aariz
    python tools/dataset_converters/aariz.py data/aariz --ground-truth senior

Reads ``{Train,Valid,Test}/Cephalograms/<id>.<ext>`` and
``{Train,Valid,Test}/Annotations/Cephalometric Landmarks/{Senior,Junior}
Orthodontists/<id>.json`` (``landmarks[i].value.x/y`` in pixels, in the
release's landmark order). Ground truth is the senior, the junior or (by
default) their mean. The pixel spacing is the release's: the per-image pixel
size column of ``cephalogram_machine_mappings.csv`` at the root (or
``--spacing-csv``). Writes train, val and test JSON. The library:
:func:`hyatt_mmpose.datasets.converters.convert_aariz`.
"""
import argparse
from functools import partial
from typing import Optional, Sequence

from ..datasets.converters import convert_aariz
from .common import add_converter_options, run_converter, tool_parser


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``tools/dataset_converters/aariz.py``."""
    parser = tool_parser(__doc__)
    parser.add_argument('root')
    parser.add_argument('--out-dir', help='default: ROOT/annotations')
    parser.add_argument(
        '--ground-truth', default='mean', choices=['mean', 'senior', 'junior'])
    parser.add_argument(
        '--spacing-csv', help='default: ROOT/cephalogram_machine_mappings.csv')
    add_converter_options(parser)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/dataset_converters/aariz.py``.

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
        partial(convert_aariz, args.root, args.out_dir, args.ground_truth,
                args.spacing_csv, args.skip_bad, args.overwrite))
