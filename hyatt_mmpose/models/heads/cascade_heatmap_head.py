from typing import Callable, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpose.registry import MODELS
from mmpose.utils.typing import ConfigType, OptConfigType
from torch import Tensor

from ..utils import is_predicting
from .base_multi_level_heatmap_head import BaseMultiLevelHeatmapHead


def _in_row_bands(fn: Callable[..., Tensor],
                  inputs: Sequence[Tensor],
                  rows: int,
                  scale: int = 1) -> Tensor:
    """``fn(*inputs)``, computed ``rows`` input rows at a time into one
    preallocated output.

    Each band is given one input row of context on either side, cut off
    after: exact for ``fn`` made of pointwise operations and one layer that
    reaches one input row each way (a 3x3 convolution; with ``scale=2``, a
    4x4 stride-2 deconvolution, whose input rows ``[a, b)`` make output rows
    ``[2a, 2b)``), zero padding only at the map's own edges.
    """
    height = inputs[0].shape[-2]
    out = None
    for top in range(0, height, rows):
        bottom = min(top + rows, height)
        first, last = max(top - 1, 0), min(bottom + 1, height)
        band = fn(*[t[..., first:last, :] for t in inputs])
        if out is None:
            out = band.new_empty(*band.shape[:-2], scale * height,
                                 band.shape[-1])
        skip = scale * (top - first)
        out[..., scale * top:scale * bottom, :] = \
            band[..., skip:skip + scale * (bottom - top), :]
    return out


def _conv_relu_predict(in_channels: int, channels: int,
                       out_channels: int) -> nn.Sequential:
    """A 3x3 conv-ReLU and a 1x1 conv to ``out_channels`` heatmaps."""
    return nn.Sequential(
        nn.Conv2d(in_channels, channels, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(channels, out_channels, 1))


@MODELS.register_module()
class CascadeHeatmapHead(BaseMultiLevelHeatmapHead):
    """HYATT-Net's heatmap levels at strides 4, 2 and 1, as released
    (``TopdownSimple_Heatmap_ConvHead``, ``TopdownSimple_Distance_DeConvHead``
    and ``TopdownSimple_Heatmap_ConvHead_global`` in
    ``mmpose/models/heads/`` of ECNUACRush/HYATT-Net), each level supervised
    (the paper's multi-resolution deep supervision).

    - Stride 4: a 3x3 conv-ReLU and a 1x1 conv on the fused map of
      :class:`.FFCMNeck`.
    - Stride 2: a 4x4 stride-2 deconvolution of the fused map
      (``feat_channels``, BN, ReLU), then a 3x3 conv-ReLU and a 1x1 conv.
    - Stride 1, the correction half of the paper's FFCM: at stride 2, the
      image (nearest-neighbour down-sampled, a 1x1 conv-BN-ReLU to
      ``image_channels``), the stride-2 deconvolution features and the
      stride-2 predicted heatmaps are concatenated, go through a 3x3
      conv-ReLU and a 1x1 conv, and are up-sampled x2 (bilinear, corners
      aligned) to full resolution.

    Losses (``loss_kpt_s4``, ``loss_kpt_s2``, ``loss_kpt_s1``), decoding (the
    mean of the levels' coordinates) and flip test are those of
    :class:`BaseMultiLevelHeatmapHead`.

    When predicting (eval mode, no autograd, not traced for export), the
    deconvolution (with its BN and ReLU) and the stride-2 and stride-1
    levels are computed ``band_rows`` stride-2 rows at a time: the same
    heatmaps, without the deconvolution's CPU scratch memory (twice its
    output) and the full-size 256- and 307-channel maps at stride 2 existing
    at once (1.5 GB more at 1024 x 1216).

    Args:
        in_channels (Sequence[int]): Channels of the fused map and of the
            image, as :class:`.FFCMNeck` returns them (e.g. ``(256, 3)``).
        out_channels (int): Number of landmarks ``K``.
        feat_channels (int): Width of the stride-4 and stride-2 levels.
        image_channels (int): Width of the image branch of the stride-1
            level, which is ``image_channels + feat_channels + K`` wide.
        decoder (Sequence[dict]): Heatmap codec configs for strides 4, 2, 1.
        loss (dict): Loss config applied at every level.
        loss_weights (Sequence[float], optional): Weights of the stride-4,
            2 and 1 loss terms (released: 1000, 3000, 3000).
        band_rows (int): Stride-2 rows computed at a time when predicting.
        init_cfg (dict | list[dict], optional): Initialization config; as
            released, convs and the deconvolution start from normal
            (std 0.001) weights, so the first heatmaps are flat.

    Shape:
        - Input: ``(fused, image)``: ``(N, in_channels[0], H / 4, W / 4)``
          and ``(N, in_channels[1], H, W)``.
        - Output of :meth:`forward`: ``(N, K, H / s, W / s)`` heatmaps for
          ``s`` = 4, 2, 1.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 out_channels: int,
                 feat_channels: int = 256,
                 image_channels: int = 32,
                 decoder: Sequence[ConfigType] = (),
                 loss: ConfigType = dict(
                     type='KeypointMSELoss', use_target_weight=True),
                 loss_weights: Optional[Sequence[float]] = None,
                 band_rows: int = 64,
                 init_cfg: OptConfigType = None):
        if init_cfg is None:
            init_cfg = [
                dict(
                    type='Normal',
                    layer=['Conv2d', 'ConvTranspose2d'],
                    std=0.001),
                dict(type='Constant', layer='BatchNorm2d', val=1)
            ]
        super().__init__((4, 2, 1), decoder, loss, loss_weights, 'mean',
                         init_cfg)
        if len(in_channels) != 2:
            raise ValueError('in_channels must give the fused map and the '
                             f'image channels, got {list(in_channels)}: use '
                             'FFCMNeck with the image among its inputs')
        if band_rows < 1:
            raise ValueError(f'band_rows must be >= 1, got {band_rows}')
        self.band_rows = band_rows
        fused_channels, image_in_channels = in_channels
        self.level_s4 = _conv_relu_predict(fused_channels, feat_channels,
                                           out_channels)
        self.deconv_s2 = nn.Sequential(
            nn.ConvTranspose2d(
                fused_channels,
                feat_channels,
                4,
                stride=2,
                padding=1,
                bias=False), nn.BatchNorm2d(feat_channels),
            nn.ReLU(inplace=True))
        self.level_s2 = _conv_relu_predict(feat_channels, feat_channels,
                                           out_channels)
        self.image_branch = nn.Sequential(
            nn.Conv2d(image_in_channels, image_channels, 1),
            nn.BatchNorm2d(image_channels), nn.ReLU(inplace=True))
        fused_s1 = image_channels + feat_channels + out_channels
        self.level_s1 = _conv_relu_predict(fused_s1, fused_s1, out_channels)

    def forward(self, feats: Tuple[Tensor, ...]) -> List[Tensor]:
        if len(feats) != 2:
            raise ValueError(f'{type(self).__name__} expects (fused map, '
                             f'image), got {len(feats)} inputs')
        fused, image = feats
        if image.shape[-2:] != tuple(4 * s for s in fused.shape[-2:]):
            raise ValueError(
                f'{type(self).__name__}: the image {tuple(image.shape[-2:])} '
                f'must be 4 times the fused map {tuple(fused.shape[-2:])}; '
                'the input size must be a multiple of 32')
        heatmaps_s4 = self.level_s4(fused)
        predicting = is_predicting(self)

        def run(fn, inputs, scale=1):
            """fn(*inputs); in bands of band_rows output rows when
            predicting (the deconvolution: scale=2 outputs per input row)"""
            if not predicting:
                return fn(*inputs)
            return _in_row_bands(fn, inputs, max(1, self.band_rows // scale),
                                 scale)

        features_s2 = run(self.deconv_s2, [fused], scale=2)
        heatmaps_s2 = run(self.level_s2, [features_s2])
        image_s2 = F.interpolate(
            image, size=features_s2.shape[-2:], mode='nearest')
        heatmaps_s1 = run(self._level_s1, [image_s2, features_s2, heatmaps_s2])
        heatmaps_s1 = F.interpolate(
            heatmaps_s1,
            size=image.shape[-2:],
            mode='bilinear',
            align_corners=True)
        return [heatmaps_s4, heatmaps_s2, heatmaps_s1]

    def _level_s1(self, image_s2: Tensor, features_s2: Tensor,
                  heatmaps_s2: Tensor) -> Tensor:
        """The stride-1 level's heatmaps, still at stride 2."""
        return self.level_s1(
            torch.cat([self.image_branch(image_s2), features_s2, heatmaps_s2],
                      dim=1))
