from typing import Dict

import cv2
from mmcv.transforms import BaseTransform
from mmpose.registry import TRANSFORMS


@TRANSFORMS.register_module()
class StoreFullImage(BaseTransform):
    """Keeps the full-resolution image, grey, for a refinement stage
    (:class:`.RefinedTopdownPoseEstimator`): put it before
    ``TopdownAffine``, which replaces ``img`` with the network's input, and
    name ``'full_image'`` in ``PackPoseInputs``'s ``meta_keys``.

    Required Keys:
        - img (BGR or grey, uint8)

    Added Keys:
        - full_image (``(H, W)`` uint8)
    """

    def transform(self, results: Dict) -> Dict:
        image = results['img']
        if image.ndim == 3:
            image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        results['full_image'] = image
        return results
