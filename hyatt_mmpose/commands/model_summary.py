"""Parameters and FLOPs of a config's model, by backbone, neck and head.

    python tools/analysis/model_summary.py configs/hyatt_cephalometric.py
    python tools/analysis/model_summary.py CONFIG --input-size 512 608

FLOPs are counted as multiply-accumulates (the fvcore / mmengine convention)
for one image at the config's input size (``--input-size W H`` overrides
it), with ``scaled_dot_product_attention`` counted as its two matmuls. The
library: :func:`hyatt_mmpose.analysis.summarise`.
"""
import argparse
from typing import Optional, Sequence

from mmengine.config import Config

from ..analysis import summarise
from ..utils import input_size_of
from .common import refuse, tool_parser


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``tools/analysis/model_summary.py``."""
    parser = tool_parser(__doc__)
    parser.add_argument('config')
    parser.add_argument('--input-size', type=int, nargs=2, metavar=('W', 'H'))
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``tools/analysis/model_summary.py``.

    Args:
        argv (Sequence[str], optional): The arguments; default
            ``sys.argv[1:]``.

    Returns:
        int: The exit status: 0 printed; 1 for a config without an input
        size and no ``--input-size``.
    """
    args = build_parser().parse_args(argv)
    cfg = Config.fromfile(args.config)
    try:
        size = args.input_size or input_size_of(cfg)
    except ValueError as err:
        return refuse(f'{err}; pass --input-size W H')
    rows = summarise(cfg, size)
    print(f'{args.config} at {size[0]} x {size[1]} (W x H), one image')
    print(f'{"part":<10}{"params (M)":>14}{"GFLOPs (MAC)":>16}')
    for part, params, flops in rows:
        print(f'{part:<10}{params / 1e6:>14.2f}{flops / 1e9:>16.2f}')
    return 0
