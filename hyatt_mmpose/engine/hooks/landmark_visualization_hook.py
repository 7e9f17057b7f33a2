import os.path as osp
from typing import Optional, Sequence

import mmcv
import numpy as np
from mmengine.hooks import Hook
from mmpose.registry import HOOKS

from hyatt_mmpose.evaluation.functional import landmark_errors
from hyatt_mmpose.visualization import draw_landmarks


@HOOKS.register_module()
class LandmarkVisualizationHook(Hook):
    """Draws the first validation images of each validation round.

    Ground truth (green), prediction (red) and each landmark's error (in mm
    where the image has a pixel spacing, else px) over the original image,
    written through the runner's visualizer: to the work dir
    (``vis_data/vis_image``), and to TensorBoard when its backend is in the
    config's ``vis_backends``. Only rank 0 draws.

    Args:
        num_images (int): How many validation images to draw each round.
    """

    def __init__(self, num_images: int = 4):
        self.num_images = num_images
        self._drawn = 0

    def before_val_epoch(self, runner) -> None:
        self._drawn = 0

    def after_val_iter(self,
                       runner,
                       batch_idx: int,
                       data_batch: Optional[dict] = None,
                       outputs: Optional[Sequence] = None) -> None:
        if runner.rank != 0 or not outputs:
            return
        for sample in outputs:
            if self._drawn >= self.num_images:
                return
            self._drawn += 1
            image = mmcv.imread(sample.img_path)
            pred = np.asarray(sample.pred_instances.keypoints)[0]
            gt = np.asarray(sample.gt_instances.keypoints)[0]
            spacing = sample.metainfo.get('pixel_spacing')
            errors = landmark_errors(
                pred, gt,
                np.asarray(sample.gt_instances.keypoints_visible)[0], spacing)
            drawing = draw_landmarks(image, pred, gt, errors,
                                     'px' if spacing is None else 'mm')
            name = f'val_{osp.splitext(osp.basename(sample.img_path))[0]}'
            # The visualizer takes RGB.
            runner.visualizer.add_image(
                name, drawing[..., ::-1], step=runner.epoch)
