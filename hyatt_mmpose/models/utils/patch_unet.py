"""A small U-Net for the refinement stage's patches."""
from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule


class PatchUNet(nn.Module):
    """Patches in, one heatmap per landmark out, at the patch's resolution.

    Each level halves the side with a stride-2 convolution and widens to
    its entry of ``channels``; the way up adds each level's features back
    (upsampled, concatenated, fused by a 3x3 convolution), so the finest
    heatmap keeps the patch's own pixel.

    Args:
        in_channels (int): Channels of the patches (1 for a radiograph).
        out_channels (int): Heatmaps, one per landmark.
        channels (Sequence[int]): Width of each level, finest first; the
            patch side must be divisible by ``2 ** (len(channels) - 1)``.

    Shapes:
        input ``(M, in_channels, P, P)``; output ``(M, out_channels, P, P)``.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 channels: Sequence[int]):
        super().__init__()
        norm = dict(type='BN')
        self.stem = nn.Sequential(
            ConvModule(in_channels, channels[0], 3, padding=1, norm_cfg=norm),
            ConvModule(channels[0], channels[0], 3, padding=1, norm_cfg=norm))
        self.down = nn.ModuleList(
            nn.Sequential(
                ConvModule(c_in, c_out, 3, 2, padding=1, norm_cfg=norm),
                ConvModule(c_out, c_out, 3, padding=1, norm_cfg=norm))
            for c_in, c_out in zip(channels[:-1], channels[1:]))
        self.up = nn.ModuleList(
            ConvModule(c_fine + c_coarse, c_fine, 3, padding=1, norm_cfg=norm)
            for c_fine, c_coarse in zip(channels[:-1], channels[1:]))
        self.out = nn.Conv2d(channels[0], out_channels, 1)

    def forward(self, patches: torch.Tensor) -> torch.Tensor:
        """The heatmaps of a batch of patches.

        Args:
            patches (Tensor): ``(M, in_channels, P, P)`` the patches.

        Returns:
            Tensor: ``(M, out_channels, P, P)`` one map (logits) per
            landmark.
        """
        feats = [self.stem(patches)]
        for down in self.down:
            feats.append(down(feats[-1]))
        x = feats[-1]
        for fine, up in zip(reversed(feats[:-1]), reversed(self.up)):
            x = F.interpolate(x, size=fine.shape[-2:], mode='nearest')
            x = up(torch.cat([fine, x], 1))
        return self.out(x)
