from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.nn as nn
from mmengine.structures import InstanceData, PixelData
from mmpose.models.heads.base_head import BaseHead
from mmpose.models.utils.tta import flip_heatmaps
from mmpose.registry import KEYPOINT_CODECS, MODELS
from mmpose.utils.tensor_utils import to_numpy
from mmpose.utils.typing import (ConfigType, InstanceList, OptConfigType,
                                 OptSampleList, Predictions)
from torch import Tensor


@MODELS.register_module()
class MultiResolutionHeatmapHead(BaseHead):
    """Heatmaps at several strides, each with its own codec and loss term,
    as in `HYATT-Net <https://arxiv.org/abs/2412.06499>`_.

    Level ``i`` maps ``feats[i]`` (stride ``strides[i]``) to ``K`` heatmaps
    through a 3x3 conv-BN-ReLU and a 1x1 conv. Training adds one loss term per
    level, ``loss_kpt_s{stride}`` (deep supervision), against the targets of
    ``GenerateTarget(encoder=[...], multilevel=True)`` given in the same
    order. Prediction decodes every level with its codec and averages the
    coordinates (``combine='mean'``) or keeps the finest level
    (``combine='finest'``).

    Args:
        in_channels (int | Sequence[int]): Channels of each input level.
        out_channels (int): Number of landmarks ``K``.
        strides (Sequence[int]): Stride of each level, in input order.
        decoder (Sequence[dict]): One heatmap codec config per level (e.g.
            ``MSRAHeatmap`` with that level's heatmap size and sigma).
        loss (dict): Loss config applied at every level.
        loss_weights (Sequence[float], optional): Weight of each level's
            loss term; all 1 by default.
        combine (str): ``'mean'`` or ``'finest'``, see above.
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
        super().__init__(init_cfg=init_cfg)
        num_levels = len(strides)
        if isinstance(in_channels, int):
            in_channels = [in_channels] * num_levels
        loss_weights = loss_weights or [1.0] * num_levels
        if not len(in_channels) == len(loss_weights) == num_levels:
            raise ValueError('in_channels, strides and loss_weights need one '
                             f'entry per level ({num_levels})')
        if decoder and len(decoder) != num_levels:
            raise ValueError(f'decoder needs one codec per level: got '
                             f'{len(decoder)} for {num_levels} levels')
        if combine not in ('mean', 'finest'):
            raise ValueError(f'combine must be "mean" or "finest", got '
                             f'"{combine}"')
        self.strides = list(strides)
        self.loss_weights = list(loss_weights)
        self.combine = combine
        self.loss_module = MODELS.build(loss)
        self.decoders = [KEYPOINT_CODECS.build(cfg) for cfg in decoder]
        self.final_layers = nn.ModuleList(
            nn.Sequential(
                nn.Conv2d(c, c, 3, padding=1, bias=False),
                nn.BatchNorm2d(c), nn.ReLU(inplace=True),
                nn.Conv2d(c, out_channels, 1)) for c in in_channels)

    def forward(self, feats: Tuple[Tensor, ...]) -> List[Tensor]:
        if len(feats) != len(self.final_layers):
            raise ValueError(f'{type(self).__name__} expects '
                             f'{len(self.final_layers)} feature maps '
                             f'(strides {self.strides}), got {len(feats)}')
        return [layer(f) for layer, f in zip(self.final_layers, feats)]

    def loss(self,
             feats: Tuple[Tensor, ...],
             batch_data_samples: OptSampleList,
             train_cfg: ConfigType = {}) -> dict:
        preds = self.forward(feats)
        # (L, B, K): per level, the weights of the one instance per image.
        weights = torch.cat([
            d.gt_instance_labels.keypoint_weights for d in batch_data_samples
        ], dim=1)
        losses = dict()
        for level, (pred, stride) in enumerate(zip(preds, self.strides)):
            target = torch.stack(
                [d.gt_fields[level].heatmaps for d in batch_data_samples])
            if target.shape != pred.shape:
                raise ValueError(
                    f'level {level} (stride {stride}): target heatmaps '
                    f'{tuple(target.shape)} vs predicted '
                    f'{tuple(pred.shape)}; the codec heatmap_size must be '
                    'input_size / stride')
            losses[f'loss_kpt_s{stride}'] = self.loss_weights[level] * \
                self.loss_module(pred, target, weights[level])
        return losses

    def predict(self,
                feats,
                batch_data_samples: OptSampleList,
                test_cfg: ConfigType = {}) -> Predictions:
        """Decodes landmarks; with ``test_cfg['flip_test']`` the heatmaps of
        the flipped image are flipped back (landmarks are never swapped:
        anatomy seen from one side has no left/right pairs to exchange) and
        averaged with the original ones."""
        if test_cfg.get('flip_test', False):
            feats_orig, feats_flip = feats
            levels = [
                (h + flip_heatmaps(
                    hf,
                    flip_indices=None,
                    shift_heatmap=test_cfg.get('shift_heatmap', False))) * 0.5
                for h, hf in zip(
                    self.forward(feats_orig), self.forward(feats_flip))
            ]
        else:
            levels = self.forward(feats)
        preds = self.decode(levels)
        if test_cfg.get('output_heatmaps', False):
            # The finest level, the one drawn over the image.
            return preds, [PixelData(heatmaps=h) for h in levels[-1].detach()]
        return preds

    def decode(self, levels: List[Tensor]) -> InstanceList:
        """Decodes each level with its codec and combines the coordinates.

        Returns one ``InstanceData`` per image with ``keypoints`` (1, K, 2)
        in input-image pixels and ``keypoint_scores`` (1, K).
        """
        if not self.decoders:
            raise RuntimeError(f'{type(self).__name__} needs `decoder` '
                               'codecs to decode predictions')
        if self.combine == 'finest':
            pairs = [(levels[-1], self.decoders[-1])]
        else:
            pairs = list(zip(levels, self.decoders))
        per_level = []
        for heatmaps, codec in pairs:
            decoded = [codec.decode(h) for h in to_numpy(heatmaps)]
            per_level.append((np.stack([k for k, _ in decoded]),
                              np.stack([s for _, s in decoded])))
        keypoints = np.mean([k for k, _ in per_level], axis=0)
        scores = np.mean([s for _, s in per_level], axis=0)
        return [
            InstanceData(keypoints=k, keypoint_scores=s)
            for k, s in zip(keypoints, scores)
        ]
