from typing import Dict, Tuple

import numpy as np
from mmcv.transforms import BaseTransform
from mmpose.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomScaleRotateShift(BaseTransform):
    """Random scale, rotation and translation of the bounding box, drawn as
    HYATT-Net's release draws them (``TopDownGetRandomScaleRotation`` and
    ``TopDownRandomTranslation`` of the mmpose 0.x fork ECNUACRush/HYATT-Net).

    Unlike mmpose's ``RandomBBoxTransform``, which draws from normal
    distributions truncated at one standard deviation, the scale and angle
    here are normal draws *clipped* to their limits (clipped draws pile up at
    the limits), and the shift is uniform in the scaled box:

    - scale factor ``clip(N(1, scale_sigma), *scale_limits)``, always;
    - rotation ``clip(N(0, rotate_sigma), -rotate_limit, rotate_limit)``
      degrees with probability ``rotate_prob``, else 0;
    - centre shift ``U(-shift_factor, shift_factor)`` times the scaled box
      size, per axis, always.

    Required Keys:
        - bbox_center
        - bbox_scale

    Modified Keys:
        - bbox_center
        - bbox_scale

    Added Keys:
        - bbox_rotation

    Args:
        scale_sigma (float): Standard deviation of the scale factor.
        scale_limits (tuple[float, float]): Clip range of the scale factor.
        rotate_sigma (float): Standard deviation of the angle, degrees.
        rotate_limit (float): Clip limit of the angle, degrees.
        rotate_prob (float): Probability of rotating at all.
        shift_factor (float): Largest shift, a fraction of the box size.
    """

    def __init__(self,
                 scale_sigma: float = 0.5,
                 scale_limits: Tuple[float, float] = (0.5, 1.5),
                 rotate_sigma: float = 40.,
                 rotate_limit: float = 80.,
                 rotate_prob: float = 0.6,
                 shift_factor: float = 0.15) -> None:
        super().__init__()
        if not 0 < scale_limits[0] <= 1 <= scale_limits[1]:
            raise ValueError('scale_limits must hold 1 and be positive, got '
                             f'{scale_limits}')
        if not 0 <= rotate_prob <= 1:
            raise ValueError(f'rotate_prob must be in [0, 1], got '
                             f'{rotate_prob}')
        self.scale_sigma = scale_sigma
        self.scale_limits = tuple(scale_limits)
        self.rotate_sigma = rotate_sigma
        self.rotate_limit = rotate_limit
        self.rotate_prob = rotate_prob
        self.shift_factor = shift_factor

    def transform(self, results: Dict) -> Dict:
        num_bboxes = results['bbox_scale'].shape[0]
        scale = np.clip(
            np.random.normal(1., self.scale_sigma, (num_bboxes, 1)),
            *self.scale_limits)
        rotate = np.clip(
            np.random.normal(0., self.rotate_sigma, num_bboxes),
            -self.rotate_limit, self.rotate_limit)
        rotate = np.where(
            np.random.rand(num_bboxes) < self.rotate_prob, rotate, 0.)
        bbox_scale = results['bbox_scale'] * scale
        shift = np.random.uniform(-self.shift_factor, self.shift_factor,
                                  (num_bboxes, 2))
        results['bbox_scale'] = bbox_scale
        results['bbox_center'] = results['bbox_center'] + shift * bbox_scale
        results['bbox_rotation'] = rotate
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(scale_sigma={self.scale_sigma}, '
                f'scale_limits={self.scale_limits}, '
                f'rotate_sigma={self.rotate_sigma}, '
                f'rotate_limit={self.rotate_limit}, '
                f'rotate_prob={self.rotate_prob}, '
                f'shift_factor={self.shift_factor})')
