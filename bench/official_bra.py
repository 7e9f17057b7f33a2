"""The official BiFormer BRA for ``bench/bra.py --official PATH``.

The class is imported from ``ops/bra_legacy.py`` of a checkout of
https://github.com/rayleizhu/BiFormer that the user points to (it is never
copied into this project; it needs ``einops``), and is configured as
:class:`hyatt_mmpose.models.utils.BiLevelRoutingAttention` is, on the same
weights, so that the two can be timed and compared on the same input.
"""
import importlib.util
import os.path as osp

import torch.nn as nn
from torch import Tensor


def load_official_class(checkout: str) -> type:
    """``BiLevelRoutingAttention`` of ``<checkout>/ops/bra_legacy.py``.

    Raises:
        FileNotFoundError: If the checkout has no ``ops/bra_legacy.py``.
        ModuleNotFoundError: If ``einops``, which it imports, is missing.
    """
    path = osp.join(checkout, 'ops', 'bra_legacy.py')
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'--official {checkout}: no ops/bra_legacy.py there; give the '
            'folder of a clone of https://github.com/rayleizhu/BiFormer')
    if importlib.util.find_spec('einops') is None:
        raise ModuleNotFoundError(
            f'{path} imports einops, which is not installed: '
            'pip install einops')
    spec = importlib.util.spec_from_file_location('official_bra_legacy', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.BiLevelRoutingAttention


class OfficialBRA(nn.Module):
    """The official BRA with the settings and weights of ``bra``.

    Settings: the same regions, top-k and kv pooling (``ada_avgpool``, or
    ``identity`` without pooling), the LCE kernel, and ``qk_scale`` set to
    ours (``head_dim ** -0.5``; the official default is ``dim ** -0.5``).
    Full attention (``topk=-1``) routes to every region. Where ``n_win``
    does not divide the map, the official code zero-pads it and lets the
    padding take part (ours masks it), so outputs then differ.

    Args:
        bra (BiLevelRoutingAttention): Ours, whose weights are copied.
        official_class (type): From :func:`load_official_class`.

    Shape:
        - Input: ``(N, H, W, C)``, the official layout.
        - Output: ``(N, H, W, C)``
    """

    def __init__(self, bra: nn.Module, official_class: type):
        super().__init__()
        C, heads, n = bra.dim, bra.num_heads, bra.n_win
        pooled = bra.kv_per_win is not None
        self.bra = official_class(
            dim=C,
            num_heads=heads,
            n_win=n,
            qk_scale=(C // heads)**-0.5,
            kv_per_win=bra.kv_per_win,
            kv_downsample_mode='ada_avgpool' if pooled else 'identity',
            topk=n * n if bra.full_attention else bra.topk,
            side_dwconv=bra.lepe.kernel_size[0] if bra.lepe else 0,
            auto_pad=True)
        self.bra.qkv.qkv.load_state_dict(bra.qkv.state_dict())
        self.bra.wo.load_state_dict(bra.proj.state_dict())
        if bra.lepe is not None:
            self.bra.lepe.load_state_dict(bra.lepe.state_dict())

    def forward(self, x: Tensor) -> Tensor:
        return self.bra(x)
