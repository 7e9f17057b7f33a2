"""Converts Digital Hand Atlas radiographs and the 37-landmark CSV.

    python tools/dataset_converters/hand.py data/hand_xray
    python tools/dataset_converters/hand.py data/hand_xray \\
        --train-ids train.txt --val-ids val.txt --test-ids test.txt

Reads ``images/<id>.<any extension>`` and ``all.csv`` (rows of
``id,x0,y0,...,x36,y36`` in pixels, no header). CSV rows whose image is
absent are reported and left out; the rest are split into train, val and
test, either at random from ``--seed`` or from id lists (one id per line).
The images carry no pixel spacing: evaluate in mm with
``RadialErrorMetric(reference_distance=dict(landmarks=(0, 4), mm=50.0))``.
The library: :func:`hyatt_mmpose.datasets.converters.convert_hand`.
"""
import argparse
from typing import Optional, Sequence

from ..datasets.converters import convert_hand
from ..datasets.converters.hand import SPLITS
from .common import add_converter_options, run_converter, tool_parser


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``tools/dataset_converters/hand.py``."""
    parser = tool_parser(__doc__)
    parser.add_argument('root', help='folder with images/ and all.csv')
    parser.add_argument('--csv', help='default: ROOT/all.csv')
    parser.add_argument('--out-dir', help='default: ROOT/annotations')
    parser.add_argument('--val-fraction', type=float, default=0.1)
    parser.add_argument('--test-fraction', type=float, default=0.2)
    parser.add_argument('--seed', type=int, default=0)
    for split in SPLITS:
        parser.add_argument(
            f'--{split}-ids',
            metavar='FILE',
            help=f'ids of the {split} split, one per line')
    add_converter_options(parser)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/dataset_converters/hand.py``.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        int: The exit status: 0 written; 1 refused before anything was
        written (a bad entry without ``--skip-bad``, existing outputs
        without ``--overwrite``; the message on stderr names the file).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    id_lists = None
    given = [getattr(args, f'{s}_ids') for s in SPLITS]
    if any(given):
        if not all(given):
            parser.error('give --train-ids, --val-ids and --test-ids together')
        id_lists = dict(zip(SPLITS, given))

    def convert():
        counts, missing = convert_hand(args.root, args.out_dir, args.csv,
                                       args.val_fraction, args.test_fraction,
                                       args.seed, id_lists, args.skip_bad,
                                       args.overwrite)
        if missing:
            shown = ', '.join(str(i) for i in missing[:20])
            more = (f' and {len(missing) - 20} more'
                    if len(missing) > 20 else '')
            print(f'{len(missing)} CSV rows have no image and were left out: '
                  f'{shown}{more}')
        return counts

    return run_converter(convert)
