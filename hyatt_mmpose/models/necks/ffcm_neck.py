from typing import List, Optional, Sequence, Tuple, Union

import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpose.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class FFCMNeck(BaseModule):
    """The fusion half of the Feature Fusion Correction Module of `HYATT-Net
    <https://arxiv.org/abs/2412.06499>`_, as released (``Deconv_FPN_Neck`` in
    ``mmpose/models/necks/Deconv_fpn_neck.py`` of ECNUACRush/HYATT-Net).

    The inputs at strides >= ``fuse_stride`` each get a 3x3 lateral conv to
    ``channels``; they are fused top-down (nearest-neighbour upsampling and
    addition, coarsest first) and the fused map at ``fuse_stride`` goes
    through one 3x3 conv (no norm, no activation). Inputs finer than
    ``fuse_stride`` (the image, see :class:`.BiFormer`'s ``image_output``) are
    returned unchanged after it, for the correction half:
    :class:`.CascadeHeatmapHead`'s stride-1 level.

    Args:
        in_channels (Sequence[int]): Channels of the backbone outputs.
        in_strides (Sequence[int]): Their strides, finest first.
        channels (int): Width of the laterals and the fused map.
        fuse_stride (int): Stride of the fused map; an input must have it.
        init_cfg (dict | list[dict], optional): Initialization config; Xavier
            (uniform) convs by default, as released.

    Shape:
        - Input: a tuple with one ``(N, in_channels[i], H / in_strides[i],
          W / in_strides[i])`` map per input.
        - Output: ``(fused, *finer)``: the fused map ``(N, channels,
          H / fuse_stride, W / fuse_stride)``, then each finer input as given.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 in_strides: Sequence[int],
                 channels: int = 256,
                 fuse_stride: int = 4,
                 init_cfg: Optional[Union[dict, List[dict]]] = None):
        if init_cfg is None:
            init_cfg = dict(
                type='Xavier', layer='Conv2d', distribution='uniform')
        super().__init__(init_cfg=init_cfg)
        if len(in_channels) != len(in_strides):
            raise ValueError('in_channels and in_strides differ in length: '
                             f'{len(in_channels)} vs {len(in_strides)}')
        if list(in_strides) != sorted(set(in_strides)):
            raise ValueError('in_strides must be distinct and finest first: '
                             f'{list(in_strides)}')
        if fuse_stride not in in_strides:
            raise ValueError(f'no backbone output at fuse_stride='
                             f'{fuse_stride}; strides are {list(in_strides)}')
        self.in_strides = list(in_strides)
        self.fused = [i for i, s in enumerate(in_strides) if s >= fuse_stride]
        self.finer = [i for i, s in enumerate(in_strides) if s < fuse_stride]
        self.laterals = nn.ModuleList(
            nn.Conv2d(in_channels[i], channels, 3, padding=1)
            for i in self.fused)
        self.out_conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, inputs: Tuple[Tensor, ...]) -> Tuple[Tensor, ...]:
        if len(inputs) != len(self.in_strides):
            raise ValueError(f'{type(self).__name__} expects '
                             f'{len(self.in_strides)} maps (strides '
                             f'{self.in_strides}), got {len(inputs)}: check '
                             'the backbone out_indices')
        x = None
        for i, lateral in reversed(list(zip(self.fused, self.laterals))):
            y = lateral(inputs[i])
            x = y if x is None else y + F.interpolate(
                x, size=y.shape[-2:], mode='nearest')
        return (self.out_conv(x), ) + tuple(inputs[i] for i in self.finer)
