"""Converts a folder of images plus a landmark CSV: a user's own data.

    python tools/dataset_converters/generic.py IMAGE_DIR LANDMARKS.csv \\
        --out data/mine/annotations/train.json

The CSV has a header and rows ``image,x1,y1,...,xK,yK[,spacing]``: the image
file name relative to IMAGE_DIR, K landmarks in pixels and, optionally, the
pixel spacing in mm. Next to the JSON it writes a metainfo file for
``LandmarkDataset(metainfo=dict(from_file=...))`` naming the landmarks as the
header does (x1 -> landmark 1 unless the header says ``<name>_x``). The
library: :func:`hyatt_mmpose.datasets.converters.convert_generic`.
"""
import argparse
from typing import Optional, Sequence

from ..datasets.converters import ConversionError, convert_generic
from .common import add_converter_options, refuse, tool_parser


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``tools/dataset_converters/generic.py``."""
    parser = tool_parser(__doc__)
    parser.add_argument('image_dir')
    parser.add_argument('csv')
    parser.add_argument('--out', required=True, help='the JSON to write')
    add_converter_options(parser)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/dataset_converters/generic.py``.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        int: The exit status: 0 written; 1 refused before anything was
        written (a bad row without ``--skip-bad``, an existing output
        without ``--overwrite``; the message on stderr names the file and
        line).
    """
    args = build_parser().parse_args(argv)
    try:
        count = convert_generic(args.image_dir, args.csv, args.out,
                                args.skip_bad, args.overwrite)
    except (ConversionError, FileExistsError) as err:
        return refuse(err)
    print(f'{count} images written to {args.out} (data_root: '
          f'{args.image_dir})')
    return 0
