from abc import abstractmethod
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmengine.structures import InstanceData, PixelData
from mmpose.models.heads.base_head import BaseHead
from mmpose.registry import KEYPOINT_CODECS, MODELS
from mmpose.utils.tensor_utils import to_numpy
from mmpose.utils.typing import (ConfigType, InstanceList, OptConfigType,
                                 OptSampleList, Predictions)
from torch import Tensor

#: Position, in input pixels, of a landmark whose heatmap has a positive
#: maximum at no level: mmpose's codecs' location of a heatmap without a
#: peak (-1), on both axes.
NO_PEAK_POSITION = -1.


class BaseMultiLevelHeatmapHead(BaseHead):
    """Heatmaps at several strides, each with its own codec and loss term:
    the multi-resolution deep supervision of `HYATT-Net
    <https://arxiv.org/abs/2412.06499>`_.

    Subclasses build the layers and implement :meth:`forward`, which returns
    one ``(N, K, H_i, W_i)`` heatmap tensor per level, in ``strides`` order.
    Training adds one loss term per level, ``loss_kpt_s{stride}`` times its
    weight, against the targets of ``GenerateTarget(encoder=[...],
    multilevel=True)`` given in the same order. Prediction decodes every level
    with its codec and averages the coordinates of the levels that have a
    peak (``combine='mean'``, as released) or keeps the level with the
    smallest stride (``combine='finest'``); see :meth:`decode`.

    Args:
        strides (Sequence[int]): Stride of each level, in output order.
        decoder (Sequence[dict]): One heatmap codec config per level.
        loss (dict): Loss config applied at every level.
        loss_weights (Sequence[float], optional): Weight of each level's
            loss term; all 1 by default.
        combine (str): ``'mean'`` or ``'finest'``, see above.
        init_cfg (dict | list[dict], optional): Initialization config.

    Raises:
        ValueError: on repeated or unsorted strides, a codec or weight
            count that does not match the levels, or an unknown
            ``combine``.
    """

    def __init__(self,
                 strides: Sequence[int],
                 decoder: Sequence[ConfigType] = (),
                 loss: ConfigType = dict(
                     type='KeypointMSELoss', use_target_weight=True),
                 loss_weights: Optional[Sequence[float]] = None,
                 combine: str = 'mean',
                 init_cfg: OptConfigType = None):
        super().__init__(init_cfg=init_cfg)
        num_levels = len(strides)
        steps = np.sign(np.diff(strides))
        if len(set(strides)) != num_levels or len(set(steps)) > 1:
            raise ValueError(
                f'strides must differ and run one way (coarse to fine or '
                f'fine to coarse), got {list(strides)}: list the levels in '
                'the order the head outputs them')
        loss_weights = loss_weights or [1.0] * num_levels
        if len(loss_weights) != num_levels:
            raise ValueError(f'loss_weights needs one entry per level: got '
                             f'{len(loss_weights)} for {num_levels} levels')
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

    @property
    def finest_level(self) -> int:
        """Index of the level with the smallest stride."""
        return int(np.argmin(self.strides))

    @abstractmethod
    def forward(self, feats: Tuple[Tensor, ...]) -> List[Tensor]:
        """The heatmaps of every level, ``(N, K, H_i, W_i)`` each."""

    def loss(self,
             feats: Tuple[Tensor, ...],
             batch_data_samples: OptSampleList,
             train_cfg: ConfigType = {}) -> dict:
        preds = self.forward(feats)
        # (L, B, K): per level, the weights of the one instance per image.
        weights = torch.cat([
            d.gt_instance_labels.keypoint_weights for d in batch_data_samples
        ],
                            dim=1)
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
        """Decodes landmarks.

        With ``test_cfg['flip_test']`` each level's heatmaps of the mirrored
        image are mirrored back, shifted right along x, and averaged with the
        original ones. Landmarks are never swapped: anatomy seen from one side
        has no left/right pairs to exchange. ``test_cfg['shift_heatmap']``:

        - ``False``: no shift;
        - ``True``: one heatmap pixel at every level, as mmpose and the
          HYATT-Net release do;
        - ``'exact'``: ``(s - 1) / s`` heatmap pixels at stride ``s`` (linear
          interpolation), the offset between a mirrored input and its
          mirrored heatmap. One pixel over-shifts by one input pixel at every
          level, which moves flip-test landmarks by half an input pixel in x.
        """
        if test_cfg.get('flip_test', False):
            feats_orig, feats_flip = feats
            levels = self.flip_average(
                self.forward(feats_orig), self.forward(feats_flip),
                test_cfg.get('shift_heatmap', False))
        else:
            levels = self.forward(feats)
        preds = self.decode(levels)
        if test_cfg.get('output_heatmaps', False):
            # The finest level, the one drawn over the image.
            finest = levels[self.finest_level].detach()
            return preds, [PixelData(heatmaps=h) for h in finest]
        return preds

    def flip_average(self,
                     levels: List[Tensor],
                     levels_flip: List[Tensor],
                     shift_heatmap=False) -> List[Tensor]:
        """Averages each level's heatmaps with those of the mirrored image,
        mirrored back and shifted as :meth:`predict` describes."""
        return [(h + _flip_back(hf, stride, shift_heatmap)) * 0.5
                for h, hf, stride in zip(levels, levels_flip, self.strides)]

    def decode(self, levels: List[Tensor]) -> InstanceList:
        """Decodes each level with its codec and combines, landmark by
        landmark, the levels that have a peak.

        A level has a peak for a landmark where the maximum of its heatmap is
        positive; mmpose's codecs mark the others with location -1 and that
        maximum (<= 0) as score. A level without a peak never moves a
        landmark: its position is the mean of the coordinates of its levels
        with a peak (``combine='mean'``; only the finest level with
        ``'finest'``) and its score the mean of their maxima. A landmark
        with a peak at none of them gets ``NO_PEAK_POSITION`` on both
        axes and the largest of their maxima (<= 0) as score, which
        :func:`hyatt_mmpose.apis.landmark_flags` flags ``'no_peak'``.

        Args:
            levels (list[Tensor]): ``(N, K, H_i, W_i)`` heatmaps per level,
                in ``strides`` order.

        Returns:
            list[InstanceData]: One per image, with ``keypoints``
            ``(1, K, 2)`` in input-image pixels and ``keypoint_scores``
            ``(1, K)``.

        Raises:
            RuntimeError: If the head was built without ``decoder`` codecs.
        """
        if not self.decoders:
            raise RuntimeError(f'{type(self).__name__} needs `decoder` '
                               'codecs to decode predictions')
        pairs = list(zip(levels, self.decoders))
        if self.combine == 'finest':
            pairs = [pairs[self.finest_level]]
        coords, maxima = [], []
        for heatmaps, codec in pairs:
            decoded = [codec.decode(h) for h in to_numpy(heatmaps)]
            coords.append(np.stack([k for k, _ in decoded]))
            maxima.append(np.stack([s for _, s in decoded]))
        # (L, N, 1, K, 2) and (L, N, 1, K)
        coords, maxima = np.stack(coords), np.stack(maxima)
        peaked = maxima > 0
        count = peaked.sum(axis=0)
        found = count > 0
        # a codec may refine a no-peak marker (UDP): zero it, not trust it
        keypoints = np.where(peaked[..., None], coords, 0).sum(axis=0)
        keypoints = np.where(found[..., None],
                             keypoints / np.maximum(count, 1)[..., None],
                             NO_PEAK_POSITION)
        scores = np.where(
            found,
            np.where(peaked, maxima, 0).sum(axis=0) / np.maximum(count, 1),
            maxima.max(axis=0))
        return [
            InstanceData(keypoints=k, keypoint_scores=s)
            for k, s in zip(keypoints, scores)
        ]


def _flip_back(heatmaps: Tensor, stride: int, shift: Union[bool,
                                                           str]) -> Tensor:
    """Mirrors ``(N, K, H, W)`` heatmaps of a mirrored input back and shifts
    them right by the heatmap pixels ``shift`` asks for (see ``predict``)."""
    heatmaps = heatmaps.flip(-1)
    if shift == 'exact':
        fraction = (stride - 1) / stride
    elif shift is True:
        fraction = 1.
    elif shift is False:
        return heatmaps
    else:
        raise ValueError(f'test_cfg shift_heatmap must be False, True or '
                         f'"exact", got {shift!r}')
    shifted = heatmaps.clone()
    shifted[..., 1:] = (1 - fraction) * heatmaps[..., 1:] + \
        fraction * heatmaps[..., :-1]
    return shifted
