"""Parameters and FLOPs of a config's model, by backbone, neck and head.

FLOPs are counted as multiply-accumulates (the fvcore / mmengine
convention), with ``scaled_dot_product_attention`` counted as its two
matmuls.
"""
from math import prod
from typing import List, Optional, Tuple

import torch
import torch.nn as nn
from mmengine.analysis import FlopAnalyzer
from mmengine.analysis.jit_handles import get_shape
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.registry import MODELS

from ..utils.input_size import input_size_of


def sdpa_flop_jit(inputs: list, outputs: list) -> int:
    """FLOPs of ``scaled_dot_product_attention``, as a FlopAnalyzer handle.

    Q K^T and (softmax) V: ``2 * B * heads * Lq * Lk * d``.

    Args:
        inputs (list): The traced op's inputs (Q, K, V, ...).
        outputs (list): Its outputs (unused).

    Returns:
        int: Multiply-accumulates.
    """
    q, k = get_shape(inputs[0]), get_shape(inputs[1])
    return 2 * prod(q) * k[-2]


class TensorForward(nn.Module):
    """The estimator's tensor-mode forward, for tracing.

    Args:
        model (nn.Module): A pose estimator.
    """

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor):
        return self.model(x, None, mode='tensor')


def count_flops(module: nn.Module, inputs: tuple) -> int:
    """Multiply-accumulates of ``module(*inputs)``, attention included.

    Args:
        module (nn.Module): The module to trace.
        inputs (tuple): Its inputs.

    Returns:
        int: Multiply-accumulates.
    """
    analyzer = FlopAnalyzer(module, inputs)
    analyzer.set_op_handle('aten::scaled_dot_product_attention', sdpa_flop_jit)
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    return analyzer.total()


def summarise(
    cfg: Config,
    input_size: Optional[Tuple[int,
                               int]] = None) -> List[Tuple[str, int, int]]:
    """Parameters and FLOPs of backbone, neck, head, a refinement stage
    (its patches: one per landmark) and the whole model.

    Each part is traced on its own inputs: a whole-model trace leaves the
    last operation of a forward (the heads' final up-sampling) outside every
    module, so per-module figures from it would miss it.

    Args:
        cfg (Config): The model's config.
        input_size (tuple, optional): ``(W, H)`` of the one image; default
            :func:`.input_size_of` the config.

    Returns:
        list[tuple]: ``(part, parameters, FLOPs)`` for each part present,
        then ``'total'``.

    Raises:
        ValueError: If no input size is given and the config has none.
    """
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
        refiner = getattr(model, 'refiner', None)
        if refiner is not None:
            # a refinement stage: one patch per landmark of the image
            size = refiner.patch_size
            patches = torch.randn(refiner.num_keypoints, 1, size, size)
            flops = count_flops(refiner, (patches, ))
            rows.append(('refiner', sum(p.numel()
                                        for p in refiner.parameters()), flops))
            total += flops
    rows.append(('total', sum(p.numel() for p in model.parameters()), total))
    return rows
