import math
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpose.registry import MODELS
from torch import Tensor

from .depthwise_conv import depthwise_conv2d


def _bin_average(size: int, n: int, region: int, bins: int,
                 like: Tensor) -> Tensor:
    """``(n * bins, size)`` matrix of bin means along one axis.

    The axis is cut into ``n`` regions of ``region`` pixels (the last ones
    may reach past ``size``, into padding) and each region into ``bins``
    bins as adaptive average pooling cuts it: bin ``b`` covers
    ``[floor(b * region / bins), ceil((b + 1) * region / bins))``. Row
    ``i * bins + b`` averages the pixels of that bin inside the map; it is
    all zero where the bin lies wholly in the padding.
    """
    starts, ends = [], []
    for i in range(n):
        for b in range(bins):
            starts.append(min(i * region + (b * region) // bins, size))
            ends.append(min(i * region - (-(b + 1) * region) // bins, size))
    start = torch.tensor(starts, device=like.device)[:, None]
    end = torch.tensor(ends, device=like.device)[:, None]
    pixel = torch.arange(size, device=like.device)
    inside = ((pixel >= start) & (pixel < end)).to(like.dtype)
    return inside / (end - start).clamp(min=1).to(like.dtype)


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
      published code asserts divisibility, or lets zero padding take part);
    - attention is PyTorch's fused ``scaled_dot_product_attention``, which
      never holds the score matrix, and with kv pooling the keys and values
      are projected from pooled pixels: the projection is linear and the
      pooling weights sum to one, so this equals pooling projected keys,
      without a full-resolution key map (docs/benchmarks.md measures both).

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
            context (LCE) before the output projection, odd (the output
            keeps the map's size). 0 disables it.
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
        if side_dwconv < 0 or (side_dwconv and side_dwconv % 2 == 0):
            raise ValueError('side_dwconv must be 0 (no LCE) or an odd '
                             f'kernel size, got {side_dwconv}')
        self.dim = dim
        self.num_heads = num_heads
        self.n_win = n_win
        self.topk = topk
        self.kv_per_win = kv_per_win
        self.qkv = nn.Linear(dim, 3 * dim, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim)
        pad = side_dwconv // 2
        self.lepe = nn.Conv2d(
            dim, dim, side_dwconv, padding=pad,
            groups=dim) if side_dwconv > 0 else None

    @property
    def full_attention(self) -> bool:
        return self.topk == -1 or self.topk >= self.n_win**2

    def forward(self, x: Tensor) -> Tensor:
        N, C, H, W = x.shape
        x = x.permute(0, 2, 3, 1)
        q, v = self._project(x, 0), self._project(x, 2)
        rh, rw = math.ceil(H / self.n_win), math.ceil(W / self.n_win)
        k_tok, v_tok, valid_tok = self._kv_tokens(x, v, rh, rw)
        # Padding exists only where n_win does not divide a side.
        padded = (rh * self.n_win, rw * self.n_win) != (H, W)
        mask = valid_tok if padded else None
        R, T = valid_tok.shape
        if self.full_attention:
            # Every query attends to every region's tokens: one group.
            out = self._attend(
                q.reshape(N, 1, H * W, C), k_tok.reshape(N, 1, R * T, C),
                v_tok.reshape(N, 1, R * T, C),
                None if mask is None else mask.reshape(1, 1, R * T).expand(
                    N, -1, -1)).reshape(N, H, W, C)
        else:
            idx = self._route(x, rh, rw)  # (N, R, topk)
            topk = idx.shape[-1]
            batch = torch.arange(N, device=x.device).view(N, 1, 1)
            k_sel = k_tok[batch, idx].reshape(N, R, topk * T, C)
            v_sel = v_tok[batch, idx].reshape(N, R, topk * T, C)
            if mask is not None:
                mask = mask[idx].reshape(N, R, topk * T)
            q_regions = self._to_regions(q, rh, rw)
            del q  # (a full-size map no longer needed when predicting)
            out = self._attend(
                q_regions, k_sel, v_sel, mask, to_image=(rh, rw))
            if padded:  # (a full-size slice would still copy its gradient)
                out = out[:, :H, :W]
        if self.lepe is not None:
            # LCE on the unpadded map: zero padding at the image border only.
            # Added in place into the conv's output, which no backward needs.
            lce = depthwise_conv2d(
                v.permute(0, 3, 1, 2), self.lepe.weight,
                self.lepe.bias).permute(0, 2, 3, 1)
            out = lce.add_(out)
        return self.proj(out).permute(0, 3, 1, 2)

    def _project(self, t: Tensor, part: int) -> Tensor:
        """Query (0), key (1) or value (2) projection of ``(..., C)``."""
        C = self.dim
        weight = self.qkv.weight[part * C:(part + 1) * C]
        bias = None if self.qkv.bias is None else \
            self.qkv.bias[part * C:(part + 1) * C]
        return F.linear(t, weight, bias)

    def _region_means(self, x: Tensor, rh: int, rw: int, bins_h: int,
                      bins_w: int) -> Tuple[Tensor, Tensor]:
        """Means of the pixels inside the map over each region's bins.

        Returns ``(N, R, bins_h * bins_w, C)`` and their validity
        ``(R, bins_h * bins_w)`` (False for bins wholly in padding). Where
        n_win divides the map, adaptive pooling over the whole map; else,
        as the inside of a bin is a rectangle, a mean of rows then of
        columns: two small matrices, and no padded copy of the map.
        """
        N, H, W, C = x.shape
        n = self.n_win
        # ONNX has no adaptive pooling with overlapping bins (torch.onnx,
        # whose flag holds while torch.export traces for it, would make a
        # gather and an add per bin offset), and its CUDA backward is not
        # deterministic: both keep the products.
        pooling = not torch.onnx.is_in_onnx_export() and not (
            x.is_cuda and torch.are_deterministic_algorithms_enabled())
        if (H, W) == (n * rh, n * rw) and pooling:
            # No padding: the regions' bins are then exactly adaptive
            # pooling's bins over the whole map, one pass over it instead of
            # two matrix products with mostly zero matrices.
            means = F.adaptive_avg_pool2d(
                x.permute(0, 3, 1, 2),
                (n * bins_h, n * bins_w)).permute(0, 2, 3, 1)
            valid = x.new_ones(n * n, bins_h * bins_w, dtype=torch.bool)
            return self._to_regions(means, bins_h, bins_w), valid
        rows = _bin_average(H, n, rh, bins_h, x)  # (n * bins_h, H)
        cols = _bin_average(W, n, rw, bins_w, x)  # (n * bins_w, W)
        means = torch.einsum('ih,nhwc->niwc', rows, x)
        means = torch.einsum('jw,niwc->nijc', cols, means)
        valid = (rows.sum(1) > 0)[:, None] & (cols.sum(1) > 0)[None]
        means = self._to_regions(means, bins_h, bins_w)
        return means, self._to_regions(valid[None, ..., None], bins_h,
                                       bins_w)[0, ..., 0]

    def _kv_tokens(self, x: Tensor, v: Tensor, rh: int,
                   rw: int) -> Tuple[Tensor, Tensor, Tensor]:
        """Keys, values and their validity per region, pooled if asked.

        Returns (N, R, T, C), (N, R, T, C) and (R, T) with T tokens/region.
        """
        # Pool to at most kv_per_win tokens per side, never more than the
        # region has: adaptive pooling would duplicate tokens and so weight
        # them twice in the softmax.
        kv = self.kv_per_win
        if kv is not None and (kv < rh or kv < rw):
            x_tok, valid = self._region_means(x, rh, rw, min(kv, rh),
                                              min(kv, rw))
            return self._project(x_tok, 1), self._project(x_tok, 2), valid
        inside = x.new_ones(1, x.shape[1], x.shape[2], 1)
        valid = self._to_regions(inside, rh, rw)[0, ..., 0] > 0
        keys = self._to_regions(self._project(x, 1), rh, rw)
        return keys, self._to_regions(v, rh, rw), valid

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
        rh, rw = math.ceil(H / self.n_win), math.ceil(W / self.n_win)
        return self._route(x.permute(0, 2, 3, 1), rh, rw)

    @torch.no_grad()
    def _route(self, x: Tensor, rh: int, rw: int) -> Tensor:
        """Top-k regions by the affinity of mean query and mean key.

        Means are over pixels inside the map, taken of x and then projected
        (the same, the projection being linear); the indices carry no
        gradient.
        """
        x_mean, valid = self._region_means(x, rh, rw, 1, 1)
        q_mean = self._project(x_mean[:, :, 0], 0)  # (N, R, C)
        k_mean = self._project(x_mean[:, :, 0], 1)
        affinity = q_mean @ k_mean.transpose(1, 2)  # (N, R, R)
        # Regions made only of padding are never routed to.
        affinity = affinity.masked_fill(~valid[:, 0], float('-inf'))
        topk = min(self.topk, affinity.shape[-1])
        return affinity.topk(topk, dim=-1).indices

    def _attend(self,
                q: Tensor,
                k: Tensor,
                v: Tensor,
                mask: Optional[Tensor],
                to_image: Optional[Tuple[int, int]] = None) -> Tensor:
        """Multi-head attention per group. q: (N, G, Lq, C); k, v:
        (N, G, Lk, C); mask: (N, G, Lk) of keys that take part, or None.

        Returns (N, G, Lq, C), or with ``to_image=(rh, rw)`` (groups being
        regions of rh x rw queries) the padded map (N, n*rh, n*rw, C),
        rearranged from the heads in one copy.
        """
        N, G, Lq, C = q.shape
        Lk = k.shape[2]
        h, d = self.num_heads, C // self.num_heads

        def heads(t: Tensor, L: int) -> Tensor:
            return t.reshape(N * G, L, h, d).transpose(1, 2)

        attn_mask = None if mask is None else mask.reshape(N * G, 1, 1, Lk)
        out = F.scaled_dot_product_attention(
            heads(q, Lq), heads(k, Lk), heads(v, Lk), attn_mask=attn_mask)
        if to_image is None:
            return out.transpose(1, 2).reshape(N, G, Lq, C)
        rh, rw = to_image
        n = self.n_win
        out = out.reshape(N, n, n, h, rh, rw, d).permute(0, 1, 4, 2, 5, 3, 6)
        return out.reshape(N, n * rh, n * rw, C)

    def _to_regions(self, t: Tensor, rh: int, rw: int) -> Tensor:
        """(B, h, w, C) -> (B, n*n, rh*rw, C), zero-padded to n*rh x n*rw."""
        B, h, w, C = t.shape
        n = self.n_win
        if (h, w) != (n * rh, n * rw):
            t = F.pad(t, (0, 0, 0, n * rw - w, 0, n * rh - h))
        t = t.reshape(B, n, rh, n, rw, C).transpose(2, 3)
        return t.reshape(B, n * n, rh * rw, C)
