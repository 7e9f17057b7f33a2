from typing import List, Optional, Sequence, Tuple, Union

import torch.nn as nn
from mmpose.registry import MODELS
from mmpose.utils.typing import ConfigType, OptConfigType
from torch import Tensor

from .base_multi_level_heatmap_head import BaseMultiLevelHeatmapHead


@MODELS.register_module()
class MultiResolutionHeatmapHead(BaseMultiLevelHeatmapHead):
    """One heatmap level per input map, for :class:`.FullResolutionFFCMNeck`
    (our variant of HYATT-Net's decoder; the released one is
    :class:`CascadeHeatmapHead`).

    Level ``i`` maps ``feats[i]`` (stride ``strides[i]``) to ``K`` heatmaps
    through a 3x3 conv-BN-ReLU and a 1x1 conv; losses, decoding and flip test
    are those of :class:`BaseMultiLevelHeatmapHead`.

    Args:
        in_channels (int | Sequence[int]): Channels of each input level.
        out_channels (int): Number of landmarks ``K``.
        strides (Sequence[int]): Stride of each level, in input order.
        decoder (Sequence[dict]): One heatmap codec config per level (e.g.
            ``MSRAHeatmap`` with that level's heatmap size and sigma).
        loss (dict): Loss config applied at every level.
        loss_weights (Sequence[float], optional): Weight of each level's
            loss term; all 1 by default.
        combine (str): ``'mean'`` or ``'finest'`` (smallest stride).
        init_cfg (dict | list[dict], optional): Initialization config;
            by default, as mmpose's heatmap heads, convs start near zero
            (normal, std 0.001) so the first heatmaps are flat.

    Shape:
        - Input: ``feats[i]`` of ``(N, in_channels[i], H_i, W_i)``.
        - Output of :meth:`forward`: a list with ``(N, K, H_i, W_i)``
          heatmaps per level.
    """

    def __init__(self,
                 in_channels: Union[int, Sequence[int]],
                 out_channels: int,
                 strides: Sequence[int] = (4, 2, 1),
                 decoder: Sequence[ConfigType] = (),
                 loss: ConfigType = dict(
                     type='KeypointMSELoss', use_target_weight=True),
                 loss_weights: Optional[Sequence[float]] = None,
                 combine: str = 'mean',
                 init_cfg: OptConfigType = None):
        if init_cfg is None:
            init_cfg = [
                dict(type='Normal', layer='Conv2d', std=0.001),
                dict(type='Constant', layer='BatchNorm2d', val=1)
            ]
        super().__init__(strides, decoder, loss, loss_weights, combine,
                         init_cfg)
        if isinstance(in_channels, int):
            in_channels = [in_channels] * len(strides)
        if len(in_channels) != len(strides):
            raise ValueError('in_channels needs one entry per level '
                             f'({len(strides)})')
        self.final_layers = nn.ModuleList(
            nn.Sequential(
                nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c),
                nn.ReLU(inplace=True), nn.Conv2d(c, out_channels, 1))
            for c in in_channels)

    def forward(self, feats: Tuple[Tensor, ...]) -> List[Tensor]:
        if len(feats) != len(self.final_layers):
            raise ValueError(f'{type(self).__name__} expects '
                             f'{len(self.final_layers)} feature maps '
                             f'(strides {self.strides}), got {len(feats)}')
        return [layer(f) for layer, f in zip(self.final_layers, feats)]
