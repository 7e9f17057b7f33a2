"""Parameters and FLOPs of a config's model, by backbone, neck and head.

    python tools/analysis/model_summary.py configs/hyatt_cephalometric.py

FLOPs are counted as multiply-accumulates (the fvcore / mmengine convention)
for one image at the config's input size (``--input-size W H`` overrides
it), with ``scaled_dot_product_attention`` counted as its two matmuls.
"""
import argparse
from math import prod

import torch
import torch.nn as nn
from mmengine.analysis import FlopAnalyzer
from mmengine.analysis.jit_handles import get_shape
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.registry import MODELS


def sdpa_flop_jit(inputs, outputs) -> int:
    """Q K^T and (softmax) V: 2 * B * heads * Lq * Lk * d."""
    q, k = get_shape(inputs[0]), get_shape(inputs[1])
    return 2 * prod(q) * k[-2]


class TensorForward(nn.Module):
    """The estimator's tensor-mode forward, for tracing."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model._forward(x)


def input_size_of(cfg: Config):
    codec = cfg.get('codec')
    if isinstance(codec, (list, tuple)):
        codec = codec[0]
    if codec is None:
        raise SystemExit(f'{cfg.filename}: no `codec` dict to read the input '
                         'size from; pass --input-size W H')
    return tuple(codec['input_size'])


def count_flops(module: nn.Module, inputs: tuple) -> int:
    """Multiply-accumulates of ``module(*inputs)``, attention included."""
    analyzer = FlopAnalyzer(module, inputs)
    analyzer.set_op_handle('aten::scaled_dot_product_attention',
                           sdpa_flop_jit)
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    return analyzer.total()


def summarise(cfg: Config, input_size=None) -> list:
    """Rows of (part, parameters, FLOPs) for backbone, neck, head, total.

    Each part is traced on its own inputs: a whole-model trace leaves the
    last operation of a forward (the heads' final up-sampling) outside every
    module, so per-module figures from it would miss it.
    """
    import hyatt_mmpose  # noqa: F401
    init_default_scope(cfg.get('default_scope', 'mmpose'))
    model = MODELS.build(cfg.model)
    model.eval()
    w, h = input_size or input_size_of(cfg)
    x = torch.randn(1, 3, h, w)
    rows = []
    with torch.no_grad():
        inputs = (x, )
        for part in ('backbone', 'neck', 'head'):
            module = getattr(model, part, None)
            if module is None:
                continue
            params = sum(p.numel() for p in module.parameters())
            rows.append((part, params, count_flops(module, inputs)))
            inputs = (module(*inputs), )
        total = count_flops(TensorForward(model), (x, ))
    rows.append(('total', sum(p.numel() for p in model.parameters()), total))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--input-size', type=int, nargs=2, metavar=('W', 'H'))
    args = parser.parse_args()
    cfg = Config.fromfile(args.config)
    size = args.input_size or input_size_of(cfg)
    rows = summarise(cfg, size)
    print(f'{args.config} at {size[0]} x {size[1]} (W x H), one image')
    print(f'{"part":<10}{"params (M)":>14}{"GFLOPs (MAC)":>16}')
    for part, params, flops in rows:
        print(f'{part:<10}{params / 1e6:>14.2f}{flops / 1e9:>16.2f}')


if __name__ == '__main__':
    main()
