"""The human reference on ISBI 2015: one doctor's landmarks scored against
the other's, with the same metrics as the models.

    python tools/analysis/inter_observer.py data/isbi2015 --split Test1Data
    python tools/analysis/inter_observer.py data/isbi2015 --pred senior

The library: :func:`.score_inter_observer`.
"""
import argparse
from typing import Optional, Sequence

from ..datasets.converters import ConversionError
from ..evaluation import score_inter_observer
from .common import refuse, tool_parser


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``tools/analysis/inter_observer.py``."""
    parser = tool_parser(__doc__)
    parser.add_argument('root', help='the ISBI 2015 root')
    parser.add_argument(
        '--split',
        default='Test1Data',
        choices=['TrainingData', 'Test1Data', 'Test2Data'])
    parser.add_argument(
        '--pred', default='junior', choices=['junior', 'senior'])
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/analysis/inter_observer.py``.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        int: The exit status: 0 printed; 1 where the release's files
        cannot be read (the message on stderr says which).
    """
    args = build_parser().parse_args(argv)
    truth = 'senior' if args.pred == 'junior' else 'junior'
    try:
        metrics = score_inter_observer(args.root, args.split, args.pred, truth)
    except ConversionError as err:
        return refuse(err)
    print(f'{args.pred} against {truth}, {args.split}')
    for key, value in metrics.items():
        print(f'{key:<12}{value:>10.2f}')
    return 0
