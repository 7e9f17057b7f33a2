from typing import List, Optional, Sequence, Tuple, Union

import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpose.registry import MODELS
from torch import Tensor


def _conv_bn_relu(in_ch: int, out_ch: int, kernel: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_ch, out_ch, kernel, padding=kernel // 2, bias=False),
        nn.BatchNorm2d(out_ch), nn.ReLU(inplace=True))


def _upsample_to(x: Tensor, ref: Tensor) -> Tensor:
    return F.interpolate(
        x, size=ref.shape[-2:], mode='bilinear', align_corners=False)


@MODELS.register_module()
class FFCMNeck(BaseModule):
    """Feature Fusion Correction Module of `HYATT-Net
    <https://arxiv.org/abs/2412.06499>`_.

    The backbone maps at strides >= ``fuse_stride`` are fused top-down into
    one map at ``fuse_stride`` (1x1 laterals to ``channels``, upsample and
    add, a 3x3 smoothing conv). The correction path then brings the fused map
    to each finer output stride, where the backbone map of that stride (at
    stride 1: the shallow feature of the image itself, see
    :class:`BiFormer`'s ``image_channels``) corrects it through its own
    lateral and smoothing conv.

    Args:
        in_channels (Sequence[int]): Channels of the backbone outputs.
        in_strides (Sequence[int]): Their strides, finest first.
        channels (int): Width of the fused and corrected maps.
        fuse_stride (int): Stride of the fused map.
        out_strides (Sequence[int]): Strides of the returned maps, coarsest
            first; each is ``fuse_stride`` or a finer input stride. Only the
            correction levels down to the finest of them are built.
        init_cfg (dict | list[dict], optional): Initialization config.

    Shape:
        - Input: a tuple with one ``(N, in_channels[i], H / in_strides[i],
          W / in_strides[i])`` map per input.
        - Output: a tuple with one ``(N, channels, H / s, W / s)`` map per
          ``s`` in ``out_strides``.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 in_strides: Sequence[int],
                 channels: int = 128,
                 fuse_stride: int = 4,
                 out_strides: Sequence[int] = (4, 2, 1),
                 init_cfg: Optional[Union[dict, List[dict]]] = None):
        super().__init__(init_cfg=init_cfg)
        if len(in_channels) != len(in_strides):
            raise ValueError('in_channels and in_strides differ in length: '
                             f'{len(in_channels)} vs {len(in_strides)}')
        if list(in_strides) != sorted(in_strides):
            raise ValueError(f'in_strides must be finest first: {in_strides}')
        self.in_strides = list(in_strides)
        self.out_strides = list(out_strides)
        self.deep = [i for i, s in enumerate(in_strides) if s >= fuse_stride]
        if not self.deep or in_strides[self.deep[0]] != fuse_stride:
            raise ValueError(f'no backbone output at fuse_stride='
                             f'{fuse_stride}; strides are {in_strides}')
        finest = min(out_strides)
        # Finer inputs that correct the fused map, coarsest first.
        self.corrections = [
            i for i in reversed(range(len(in_strides)))
            if finest <= in_strides[i] < fuse_stride
        ]
        for s in out_strides:
            if s != fuse_stride and s not in [in_strides[i]
                                              for i in self.corrections]:
                raise ValueError(f'out stride {s} is neither fuse_stride '
                                 f'nor a finer input stride {in_strides}')

        self.fuse_laterals = nn.ModuleList(
            nn.Conv2d(in_channels[i], channels, 1) for i in self.deep)
        self.fuse_smooth = _conv_bn_relu(channels, channels, 3)
        self.correct_laterals = nn.ModuleList(
            nn.Conv2d(in_channels[i], channels, 1) for i in self.corrections)
        self.correct_smooths = nn.ModuleList(
            _conv_bn_relu(channels, channels, 3) for _ in self.corrections)

    def forward(self, inputs: Tuple[Tensor, ...]) -> Tuple[Tensor, ...]:
        if len(inputs) != len(self.in_strides):
            raise ValueError(f'FFCMNeck expects {len(self.in_strides)} maps '
                             f'(strides {self.in_strides}), got '
                             f'{len(inputs)}: check the backbone out_indices')
        maps = {}
        x = None
        for i, lateral in reversed(list(zip(self.deep, self.fuse_laterals))):
            y = lateral(inputs[i])
            x = y if x is None else _upsample_to(x, y) + y
        x = self.fuse_smooth(x)
        maps[self.in_strides[self.deep[0]]] = x
        for i, lateral, smooth in zip(self.corrections,
                                      self.correct_laterals,
                                      self.correct_smooths):
            y = lateral(inputs[i])
            x = smooth(_upsample_to(x, y) + y)
            maps[self.in_strides[i]] = x
        return tuple(maps[s] for s in self.out_strides)
