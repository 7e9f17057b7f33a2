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
class FullResolutionFFCMNeck(BaseModule):
    """Our variant of the Feature Fusion Correction Module of `HYATT-Net
    <https://arxiv.org/abs/2412.06499>`_, with a correction path down to full
    resolution (the released design is :class:`FFCMNeck`).

    The backbone maps at strides >= ``fuse_stride`` are fused top-down into
    one map at ``fuse_stride`` (1x1 laterals to ``channels``, upsample and
    add, a 3x3 smoothing conv). The correction path then brings the fused map
    to each finer output stride, where the backbone map of that stride
    corrects it through its own lateral and smoothing conv. At stride 1 that
    map is the image (see :class:`.BiFormer`'s ``image_output``), first given
    ``image_channels`` features by a 3x3 conv-BN-ReLU.

    Args:
        in_channels (Sequence[int]): Channels of the backbone outputs.
        in_strides (Sequence[int]): Their strides, finest first.
        channels (int): Width of the fused and corrected maps.
        image_channels (int): Features computed from a stride-1 input (the
            image) before its lateral conv.
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
                 image_channels: int = 32,
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
            if s != fuse_stride and s not in [
                    in_strides[i] for i in self.corrections
            ]:
                raise ValueError(f'out stride {s} is neither fuse_stride '
                                 f'nor a finer input stride {in_strides}')

        self.fuse_laterals = nn.ModuleList(
            nn.Conv2d(in_channels[i], channels, 1) for i in self.deep)
        self.fuse_smooth = _conv_bn_relu(channels, channels, 3)
        self.correct_laterals = nn.ModuleList(
            self._lateral(in_channels[i], in_strides[i], channels,
                          image_channels) for i in self.corrections)
        self.correct_smooths = nn.ModuleList(
            _conv_bn_relu(channels, channels, 3) for _ in self.corrections)

    @staticmethod
    def _lateral(in_ch: int, stride: int, channels: int,
                 image_channels: int) -> nn.Module:
        if stride > 1:
            return nn.Conv2d(in_ch, channels, 1)
        # The image has too few channels for a 1x1 lateral to correct with.
        return nn.Sequential(
            _conv_bn_relu(in_ch, image_channels, 3),
            nn.Conv2d(image_channels, channels, 1))

    def forward(self, inputs: Tuple[Tensor, ...]) -> Tuple[Tensor, ...]:
        if len(inputs) != len(self.in_strides):
            raise ValueError(f'{type(self).__name__} expects '
                             f'{len(self.in_strides)} maps (strides '
                             f'{self.in_strides}), got {len(inputs)}: check '
                             'the backbone out_indices')
        maps = {}
        x = None
        for i, lateral in reversed(list(zip(self.deep, self.fuse_laterals))):
            y = lateral(inputs[i])
            x = y if x is None else _upsample_to(x, y) + y
        x = self.fuse_smooth(x)
        maps[self.in_strides[self.deep[0]]] = x
        for i, lateral, smooth in zip(self.corrections, self.correct_laterals,
                                      self.correct_smooths):
            y = lateral(inputs[i])
            x = smooth(_upsample_to(x, y) + y)
            maps[self.in_strides[i]] = x
        return tuple(maps[s] for s in self.out_strides)
