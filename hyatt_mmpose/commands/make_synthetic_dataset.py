"""Writes the synthetic landmark set (radiograph-like images, 19 landmarks).

    python tools/make_synthetic_dataset.py data/synthetic
    python tools/make_synthetic_dataset.py data/tiny --train 8 --val 4 \\
        --test 4 --size 96

Deterministic from --seed; 200 images of 256 x 256 pixels take seconds.
The library: :func:`hyatt_mmpose.datasets.synthetic.make_synthetic_dataset`.
"""
import argparse
import time
from typing import Optional, Sequence

from ..datasets.synthetic import make_synthetic_dataset
from .common import refuse, tool_parser


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``tools/make_synthetic_dataset.py``."""
    parser = tool_parser(__doc__)
    parser.add_argument('out_dir', nargs='?', default='data/synthetic')
    parser.add_argument('--train', type=int, default=160)
    parser.add_argument('--val', type=int, default=20)
    parser.add_argument('--test', type=int, default=20)
    parser.add_argument(
        '--size', type=int, default=256, help='image side in pixels')
    parser.add_argument(
        '--spacing',
        type=float,
        default=0.5,
        help='pixel spacing, mm per pixel')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--overwrite', action='store_true')
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/make_synthetic_dataset.py``.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        int: The exit status: 0 written; 1 where the set exists already
        and ``--overwrite`` is not given.
    """
    args = build_parser().parse_args(argv)
    start = time.time()
    try:
        files = make_synthetic_dataset(
            args.out_dir,
            splits=(('train', args.train), ('val', args.val), ('test',
                                                               args.test)),
            size=args.size,
            pixel_spacing=args.spacing,
            seed=args.seed,
            overwrite=args.overwrite)
    except FileExistsError as err:
        return refuse(err)
    total = args.train + args.val + args.test
    print(f'wrote {total} images and {", ".join(files)} in '
          f'{time.time() - start:.1f} s')
    return 0
