import math
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpose.registry import MODELS
from torch import Tensor


def _bin_average(size: int, bins: int, like: Tensor) -> Tensor:
    """``(bins, size)`` matrix averaging the bins of adaptive pooling: bin
    ``i`` covers ``[floor(i * size / bins), ceil((i + 1) * size / bins))``."""
    matrix = like.new_zeros(bins, size)
    for i in range(bins):
        start = (i * size) // bins
        end = -((-(i + 1) * size) // bins)
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix


@MODELS.register_module()
class BiLevelRoutingAttention(nn.Module):
    """Bi-Level Routing Attention (BRA) from `BiFormer
    <https://arxiv.org/abs/2303.08810>`_ (Zhu et al., CVPR 2023).

    The map is split into ``n_win x n_win`` regions. Each query region is
    routed to the ``topk`` regions whose mean key is most similar to its mean
    query, and its pixels attend to the keys and values of those regions only.

    Unlike the published BiFormer / HYATT-Net code:

    - the attention scale is ``head_dim ** -0.5`` (the published code scales
      by the full width, ``dim ** -0.5``);
    - a map whose sides are not multiples of ``n_win`` is padded and the
      padding is masked out of both the routing and the attention (the
      published code asserts divisibility, or lets zero padding take part).

    Args:
        dim (int): Channels of the input and output, ``C``.
        num_heads (int): Attention heads; ``dim`` must divide evenly.
        n_win (int): Regions per side; the map holds ``n_win ** 2`` regions.
        topk (int): Regions each query region attends to. ``-1``, or any
            value >= the number of regions, means full attention.
        kv_per_win (int, optional): If set, keys and values of each region
            are average-pooled to ``kv_per_win x kv_per_win`` tokens (fewer
            where the region is smaller), which bounds memory at high
            resolution. ``None`` keeps every pixel.
        side_dwconv (int): Kernel of the depthwise conv on V that adds local
            context (LCE) before the output projection. 0 disables it.
        qkv_bias (bool): Whether the QKV projection has a bias.

    Shape:
        - Input: ``(N, C, H, W)``
        - Output: ``(N, C, H, W)``
    """

    def __init__(self,
                 dim: int,
                 num_heads: int = 8,
                 n_win: int = 7,
                 topk: int = 4,
                 kv_per_win: Optional[int] = None,
                 side_dwconv: int = 5,
                 qkv_bias: bool = True):
        super().__init__()
        if dim % num_heads:
            raise ValueError(f'dim={dim} is not divisible by '
                             f'num_heads={num_heads}')
        if n_win < 1:
            raise ValueError(f'n_win must be >= 1, got {n_win}')
        if topk == 0 or topk < -1:
            raise ValueError(f'topk must be -1 or >= 1, got {topk}')
        self.dim = dim
        self.num_heads = num_heads
        self.n_win = n_win
        self.topk = topk
        self.kv_per_win = kv_per_win
        self.qkv = nn.Linear(dim, 3 * dim, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)
        self.lepe = nn.Conv2d(
            dim, dim, side_dwconv, padding=side_dwconv // 2,
            groups=dim) if side_dwconv > 0 else None

    @property
    def full_attention(self) -> bool:
        return self.topk == -1 or self.topk >= self.n_win**2

    def forward(self, x: Tensor) -> Tensor:
        N, C, H, W = x.shape
        q, k, v = self.qkv(x.permute(0, 2, 3, 1)).chunk(3, dim=-1)
        if self.full_attention and self.kv_per_win is None:
            out = self._attend(
                q.reshape(N, 1, H * W, C), k.reshape(N, 1, H * W, C),
                v.reshape(N, 1, H * W, C), None).reshape(N, H, W, C)
        else:
            out = self._routed_attention(q, k, v)
        if self.lepe is not None:
            # LCE on the unpadded map: zero padding at the image border only.
            out = out + self.lepe(v.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
        return self.proj(out).permute(0, 3, 1, 2)

    def _routed_attention(self, q: Tensor, k: Tensor, v: Tensor) -> Tensor:
        """Routes regions and attends. q, k, v: (N, H, W, C)."""
        N, H, W, C = q.shape
        n = self.n_win
        rh, rw = math.ceil(H / n), math.ceil(W / n)
        valid_reg = self._valid_mask(H, W, rh, rw, q.device)  # (R, P)
        # (N, R, P, C) with R = n*n regions of P = rh*rw pixels each.
        q_reg, k_reg, v_reg = (self._to_regions(t, rh, rw) for t in (q, k, v))

        k_tok, v_tok, valid_tok = self._region_tokens(k_reg, v_reg,
                                                      valid_reg, rh, rw)
        R, T = valid_tok.shape
        if self.full_attention:
            # Every query attends to every region's tokens: one group.
            P = q_reg.shape[2]
            out = self._attend(
                q_reg.reshape(N, 1, R * P, C), k_tok.reshape(N, 1, R * T, C),
                v_tok.reshape(N, 1, R * T, C),
                valid_tok.reshape(1, 1, R * T).expand(N, -1, -1))
        else:
            idx = self._route(q_reg, k_reg, valid_reg)  # (N, R, topk)
            topk = idx.shape[-1]
            batch = torch.arange(N, device=q.device).view(N, 1, 1)
            k_sel = k_tok[batch, idx].reshape(N, R, topk * T, C)
            v_sel = v_tok[batch, idx].reshape(N, R, topk * T, C)
            mask = valid_tok[idx].reshape(N, R, topk * T)
            out = self._attend(q_reg, k_sel, v_sel, mask)
        return self._from_regions(out.reshape(q_reg.shape), rh, rw)[:, :H, :W]

    def route(self, x: Tensor) -> Tensor:
        """The regions each query region attends to, for inspection.

        Args:
            x (Tensor): Input of shape ``(N, C, H, W)``.

        Returns:
            Tensor: Region indices ``(N, n_win ** 2, topk)``, regions
            numbered row by row.
        """
        if self.full_attention:
            raise ValueError('full attention routes every query region to '
                             'every region')
        H, W = x.shape[-2:]
        q, k, _ = self.qkv(x.permute(0, 2, 3, 1)).chunk(3, dim=-1)
        rh, rw = math.ceil(H / self.n_win), math.ceil(W / self.n_win)
        valid = self._valid_mask(H, W, rh, rw, x.device)
        return self._route(
            self._to_regions(q, rh, rw), self._to_regions(k, rh, rw), valid)

    @torch.no_grad()
    def _route(self, q_reg: Tensor, k_reg: Tensor, valid_reg: Tensor):
        """Top-k regions by the affinity of mean query and mean key.

        Means are over valid pixels only; the indices carry no gradient.
        """
        # Padding is zero, so region sums are sums over valid pixels.
        count = valid_reg.sum(-1, keepdim=True).clamp(min=1).to(q_reg.dtype)
        q_mean = q_reg.sum(2) / count
        k_mean = k_reg.sum(2) / count
        affinity = q_mean @ k_mean.transpose(1, 2)  # (N, R, R)
        # Regions made only of padding are never routed to.
        affinity[:, :, ~valid_reg.any(-1)] = float('-inf')
        topk = min(self.topk, affinity.shape[-1])
        return affinity.topk(topk, dim=-1).indices

    def _valid_mask(self, H: int, W: int, rh: int, rw: int,
                    device) -> Tensor:
        """(R, P): which pixels of each region lie inside the map."""
        n = self.n_win
        valid = torch.zeros(1, n * rh, n * rw, 1, dtype=torch.bool,
                            device=device)
        valid[:, :H, :W] = True
        return self._to_regions(valid, rh, rw)[0, :, :, 0]

    def _region_tokens(self, k_reg: Tensor, v_reg: Tensor, valid_reg: Tensor,
                       rh: int, rw: int) -> Tuple[Tensor, Tensor, Tensor]:
        """Keys, values and their validity per region, pooled if asked.

        Returns (N, R, T, C), (N, R, T, C) and (R, T) with T tokens/region.
        """
        # Pool to at most kv_per_win tokens per side, never more than the
        # region has: adaptive pooling would duplicate tokens and so weight
        # them twice in the softmax.
        if self.kv_per_win is None or (self.kv_per_win >= rh
                                       and self.kv_per_win >= rw):
            return k_reg, v_reg, valid_reg
        N, R, _, C = k_reg.shape
        sh, sw = min(self.kv_per_win, rh), min(self.kv_per_win, rw)
        # Adaptive average pooling as two averaging matrices with the same
        # bins: it exports to ONNX with a dynamic batch, which
        # adaptive_avg_pool2d does not.
        pool_h = _bin_average(rh, sh, k_reg)  # (sh, rh)
        pool_w = _bin_average(rw, sw, k_reg)  # (sw, rw)

        def pool(t: Tensor) -> Tensor:  # (B, rh, rw, ...) -> (B, sh, sw, ...)
            t = torch.einsum('ih,bhw...->biw...', pool_h, t)
            return torch.einsum('jw,biw...->bij...', pool_w, t)

        m = valid_reg.to(k_reg.dtype).reshape(R, rh, rw)
        frac = pool(m)  # (R, sh, sw): valid share of each bin
        # Masked mean per bin: pool(x * m) / pool(m).
        m = m.reshape(1, R, rh, rw, 1)
        weight = 1 / frac.clamp(min=1e-12).reshape(1, R, sh * sw, 1)

        def masked(t: Tensor) -> Tensor:
            t = (t.reshape(N, R, rh, rw, C) * m).reshape(N * R, rh, rw, C)
            return pool(t).reshape(N, R, sh * sw, C) * weight

        return masked(k_reg), masked(v_reg), frac.reshape(R, -1) > 0

    def _attend(self, q: Tensor, k: Tensor, v: Tensor,
                mask: Optional[Tensor]) -> Tensor:
        """Multi-head attention per group. q: (N, G, Lq, C); k, v:
        (N, G, Lk, C); mask: (N, G, Lk) of keys that take part, or None."""
        N, G, Lq, C = q.shape
        Lk = k.shape[2]
        h, d = self.num_heads, C // self.num_heads

        def heads(t: Tensor, L: int) -> Tensor:
            return t.reshape(N * G, L, h, d).transpose(1, 2)

        attn_mask = None if mask is None else mask.reshape(N * G, 1, 1, Lk)
        out = F.scaled_dot_product_attention(
            heads(q, Lq), heads(k, Lk), heads(v, Lk), attn_mask=attn_mask)
        return out.transpose(1, 2).reshape(N, G, Lq, C)

    def _to_regions(self, t: Tensor, rh: int, rw: int) -> Tensor:
        """(B, h, w, C) -> (B, n*n, rh*rw, C), zero-padded to n*rh x n*rw."""
        B, h, w, C = t.shape
        n = self.n_win
        if (h, w) != (n * rh, n * rw):
            t = F.pad(t, (0, 0, 0, n * rw - w, 0, n * rh - h))
        t = t.reshape(B, n, rh, n, rw, C).transpose(2, 3)
        return t.reshape(B, n * n, rh * rw, C)

    def _from_regions(self, t: Tensor, rh: int, rw: int) -> Tensor:
        """(B, n*n, rh*rw, C) -> (B, n*rh, n*rw, C)."""
        B, _, _, C = t.shape
        n = self.n_win
        t = t.reshape(B, n, n, rh, rw, C).transpose(2, 3)
        return t.reshape(B, n * rh, n * rw, C)
