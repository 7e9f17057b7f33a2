from typing import Dict

from mmcv.transforms import BaseTransform
from mmpose.registry import TRANSFORMS

from ..image_io import as_bgr_uint8, read_radiograph


@TRANSFORMS.register_module()
class LoadRadiograph(BaseTransform):
    """Loads an image the way the predictor does, in place of mmpose's
    ``LoadImage``: 16-bit PNG/TIFF holding 12-bit values, DICOM windows and
    MONOCHROME1 read as :func:`.read_radiograph` reads them, and an image
    already in ``img`` converted by the same rules
    (:func:`.as_bgr_uint8`), so that training, testing and prediction see the
    same pixels.

    Required Keys:
        - img_path (or img)

    Modified Keys:
        - img (when given)

    Added Keys:
        - img
        - img_shape
        - ori_shape
    """

    def transform(self, results: Dict) -> Dict:
        if results.get('img') is not None:
            image = as_bgr_uint8(results['img'],
                                 results.get('img_path') or 'array')
        else:
            image = read_radiograph(results['img_path']).image
        results['img'] = image
        results['img_shape'] = image.shape[:2]
        results['ori_shape'] = image.shape[:2]
        return results
