from typing import Optional

import torch.nn as nn
from mmcv.cnn.bricks import DropPath
from torch import Tensor

from .bra import BiLevelRoutingAttention


class BiFormerBlock(nn.Module):
    """One BiFormer block: a 3x3 depthwise-conv position encoding, then
    pre-norm Bi-Level Routing Attention and a pre-norm MLP, each residual.

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
        x = x + self.drop_path(self.mlp(self.norm2(x)))
        return x.permute(0, 3, 1, 2)
