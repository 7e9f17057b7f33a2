"""Parameters and FLOPs of a config's model, by backbone, neck and head.

    python tools/analysis/model_summary.py configs/hyatt_cephalometric.py

FLOPs are counted as multiply-accumulates (the fvcore / mmengine convention)
for one image at the config's input size (``--input-size W H`` overrides
it), with ``scaled_dot_product_attention`` counted as its two matmuls.
"""
import argparse

from mmengine.config import Config

from hyatt_mmpose.analysis import summarise
from hyatt_mmpose.utils import input_size_of


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--input-size', type=int, nargs=2, metavar=('W', 'H'))
    args = parser.parse_args()
    cfg = Config.fromfile(args.config)
    try:
        size = args.input_size or input_size_of(cfg)
    except ValueError as err:
        raise SystemExit(f'error: {err}; pass --input-size W H')
    rows = summarise(cfg, size)
    print(f'{args.config} at {size[0]} x {size[1]} (W x H), one image')
    print(f'{"part":<10}{"params (M)":>14}{"GFLOPs (MAC)":>16}')
    for part, params, flops in rows:
        print(f'{part:<10}{params / 1e6:>14.2f}{flops / 1e9:>16.2f}')


if __name__ == '__main__':
    main()
