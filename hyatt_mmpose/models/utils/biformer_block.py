from typing import Optional

import torch.nn as nn
from mmcv.cnn.bricks import DropPath
from torch import Tensor

from .bra import BiLevelRoutingAttention
from .prediction_mode import is_predicting

# MLP hidden activations computed at a time when predicting (32 MiB)
_MLP_CHUNK_ELEMENTS = 1 << 23


class BiFormerBlock(nn.Module):
    """One BiFormer block: a 3x3 depthwise-conv position encoding, then
    pre-norm Bi-Level Routing Attention and a pre-norm MLP, each residual.

    When predicting (eval mode, no autograd, not traced), the MLP runs a
    few rows at a time, added in place: at HYATT-Net's stage 1 (8 x 64
    hidden channels at 608 x 512) its hidden activations would otherwise
    take 1.2 GB.

    Args:
        dim (int): Channels ``C``.
        num_heads (int): Attention heads.
        n_win (int): Regions per side of the routing.
        topk (int): Routed regions per query region (-1: full attention).
        kv_per_win (int, optional): Pooled key/value tokens per region side.
        mlp_ratio (float): Hidden width of the MLP over ``dim``.
        drop_path (float): Stochastic-depth rate of both residual branches.

    Shape:
        - Input: ``(N, C, H, W)``
        - Output: ``(N, C, H, W)``
    """

    def __init__(self,
                 dim: int,
                 num_heads: int,
                 n_win: int,
                 topk: int,
                 kv_per_win: Optional[int] = None,
                 mlp_ratio: float = 3.,
                 drop_path: float = 0.):
        super().__init__()
        self.pos_embed = nn.Conv2d(dim, dim, 3, padding=1, groups=dim)
        # eps as in BiFormer: it keeps the attention from collapsing.
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = BiLevelRoutingAttention(
            dim,
            num_heads=num_heads,
            n_win=n_win,
            topk=topk,
            kv_per_win=kv_per_win)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        hidden = int(dim * mlp_ratio)
        self.mlp = nn.Sequential(
            nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))
        self.drop_path = DropPath(drop_path) if drop_path > 0 else \
            nn.Identity()

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.pos_embed(x)
        y = self.norm1(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        x = x + self.drop_path(self.attn(y))
        x = x.permute(0, 2, 3, 1)
        if is_predicting(self):
            # x is this block's own sum; the MLP is pointwise over pixels
            y = self.norm2(x)
            hidden = self.mlp[0].out_features
            rows = max(
                1, _MLP_CHUNK_ELEMENTS // (x.shape[0] * x.shape[2] * hidden))
            for top in range(0, x.shape[1], rows):
                x[:, top:top + rows] += self.mlp(y[:, top:top + rows])
        else:
            x = x + self.drop_path(self.mlp(self.norm2(x)))
        return x.permute(0, 3, 1, 2)
