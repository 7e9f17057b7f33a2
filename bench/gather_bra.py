"""The gather-then-attend reference for ``bench/bra.py``.

Written from the published BiFormer design (Zhu et al., CVPR 2023): the map
is cut into regions, each query region's top-k key regions are gathered
(K and V copied once per routed region) and attention is computed as an
explicit ``softmax(q k^T) v``. It computes what
:class:`hyatt_mmpose.models.utils.BiLevelRoutingAttention` computes, on the
same weights (head-dim scaling, padding masked out), so their outputs can be
compared.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor


class GatherThenAttend(nn.Module):
    """Gather-then-attend BRA sharing the weights of ``bra``.

    Args:
        bra (BiLevelRoutingAttention): The module whose weights and settings
            (``n_win``, ``topk``, ``kv_per_win``, heads) are used.

    Shape:
        - Input: ``(N, C, H, W)``
        - Output: ``(N, C, H, W)``
    """

    def __init__(self, bra: nn.Module):
        super().__init__()
        self.bra = bra

    def forward(self, x: Tensor) -> Tensor:
        bra = self.bra
        N, C, H, W = x.shape
        n, h = bra.n_win, bra.num_heads
        rh, rw = math.ceil(H / n), math.ceil(W / n)
        R, P = n * n, rh * rw
        x = x.permute(0, 2, 3, 1)
        q, k, v = bra.qkv(x).chunk(3, dim=-1)
        valid = x.new_zeros(1, n * rh, n * rw, 1)
        valid[:, :H, :W] = 1

        def regions(t):  # (B, H, W, c) -> (B, R, P, c), zero padded
            t = F.pad(t,
                      (0, 0, 0, n * rw - t.shape[2], 0, n * rh - t.shape[1]))
            t = t.reshape(t.shape[0], n, rh, n, rw,
                          -1).permute(0, 1, 3, 2, 4, 5)
            return t.reshape(t.shape[0], R, P, -1)

        q_r, k_r, v_r, m_r = (regions(t) for t in (q, k, v, valid))
        count = m_r.sum(2).clamp(min=1)  # (1, R, 1)
        affinity = (q_r.sum(2) / count) @ (k_r.sum(2) / count).transpose(1, 2)
        affinity = affinity.masked_fill((m_r.sum(2) == 0).transpose(1, 2),
                                        float('-inf'))
        topk = R if bra.topk == -1 else min(bra.topk, R)
        idx = affinity.detach().topk(topk, dim=-1).indices  # (N, R, topk)

        kv = bra.kv_per_win
        if kv is not None and (kv < rh or kv < rw):
            sh, sw = min(kv, rh), min(kv, rw)

            def pool(t):  # (B, R, P, c) -> (B, R, sh * sw, c)
                B, c = t.shape[0], t.shape[-1]
                t = t.reshape(B * R, rh, rw, c).permute(0, 3, 1, 2)
                t = F.adaptive_avg_pool2d(t, (sh, sw))
                return t.permute(0, 2, 3, 1).reshape(B, R, sh * sw, c)

            share = pool(m_r)
            k_t = pool(k_r * m_r) / share.clamp(min=1e-12)
            v_t = pool(v_r * m_r) / share.clamp(min=1e-12)
            m_t = share > 0
        else:
            k_t, v_t, m_t = k_r, v_r, m_r > 0
        T = k_t.shape[2]

        # the copy: every query region gets its own K/V of topk regions
        def gather(t):  # (B, R, T, c) -> (N, R, topk * T, c)
            t = t.expand(N, -1, -1, -1)
            c = t.shape[-1]
            index = idx.reshape(N, R, topk, 1, 1).expand(-1, -1, -1, T, c)
            src = t.unsqueeze(1).expand(-1, R, -1, -1, -1)
            return torch.gather(src, 2, index).reshape(N, R, topk * T, c)

        k_g, v_g = gather(k_t), gather(v_t)
        m_g = gather(m_t.to(x.dtype)).reshape(N, R, 1, 1, topk * T) > 0

        d = C // h

        def heads(t):  # (N, R, L, C) -> (N, R, h, L, d)
            return t.reshape(N, R, -1, h, d).transpose(2, 3)

        attn = (heads(q_r) * d**-0.5) @ heads(k_g).transpose(-2, -1)
        attn = attn.masked_fill(~m_g, float('-inf')).softmax(dim=-1)
        out = (attn @ heads(v_g)).transpose(2, 3).reshape(N, n, n, rh, rw, C)
        out = out.permute(0, 1, 3, 2, 4, 5).reshape(N, n * rh, n * rw, C)
        out = out[:, :H, :W]
        if bra.lepe is not None:
            out = out + bra.lepe(v.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
        return bra.proj(out).permute(0, 3, 1, 2)
